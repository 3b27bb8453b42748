/**
 * The APNs SDK's core: the public API ({@code dev.apns}), the transport SPI ({@code dev.apns.spi}) with
 * optional help for backend authors ({@code dev.apns.spi.support}), and the binary protocol's sans-IO
 * codecs ({@code dev.apns.protocol.binary}).
 */
module dev.apns.core {
    requires org.slf4j;
    requires com.fasterxml.jackson.databind;

    exports dev.apns;
    exports dev.apns.spi;
    exports dev.apns.spi.support;
    exports dev.apns.protocol.binary;

    uses dev.apns.spi.Backend;
}
