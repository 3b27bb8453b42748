package dev.apns.backend.netty;

import dev.apns.Endpoint;
import dev.apns.Proxy;
import dev.apns.ProxyException;
import dev.apns.spi.support.Timeouts;

import io.netty.channel.Channel;
import io.netty.handler.proxy.HttpProxyHandler;
import io.netty.handler.proxy.ProxyConnectException;
import io.netty.handler.proxy.ProxyHandler;
import io.netty.handler.proxy.Socks5ProxyHandler;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.Future;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;

/**
 * The Netty backend's proxies, on {@code netty-handler-proxy}: an {@link HttpProxyHandler} (basic
 * authentication when the proxy has credentials) or a {@link Socks5ProxyHandler} (username and password per
 * RFC 1929 when it has them) placed before the {@code SslHandler}, which Netty's proxy handler holds back
 * until the tunnel stands. The target is handed to the proxy by name (an unresolved address), so the proxy
 * resolves it, and TLS uses the target's name for SNI and hostname verification. Failures become
 * {@link ProxyException}s naming the proxy and quoting its answer (Netty's messages name the authentication
 * scheme, never the password). Stateless.
 */
final class NettyProxies {
    private NettyProxies() {
    }

    /**
     * The address the channel connects to when tunnelling: the target, unresolved unless it is an IP literal
     * (resolving a literal needs no lookup), so that nothing is looked up on this side.
     */
    static InetSocketAddress targetAddress(Endpoint target) {
        String host = target.host();
        if (NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host)) {
            return new InetSocketAddress(host, target.port());
        }
        return InetSocketAddress.createUnresolved(host, target.port());
    }

    /** The proxy's own address, resolved on the caller's thread (never on an event loop). */
    static InetSocketAddress proxyAddress(Proxy proxy, Endpoint target) throws ProxyException {
        InetSocketAddress address = new InetSocketAddress(proxy.host(), proxy.port());
        if (address.isUnresolved()) {
            throw new ProxyException(proxy, target, null, "its host name " + proxy.host() + " does not resolve", null);
        }
        return address;
    }

    /** A new handler for one channel, whose tunnel must stand within {@code timeout}. */
    static ProxyHandler handler(Proxy proxy, InetSocketAddress address, Duration timeout) {
        ProxyHandler handler;
        if (proxy.type() == Proxy.Type.HTTP_CONNECT) {
            handler = proxy.username().isPresent()
                    ? new HttpProxyHandler(address, proxy.username().get(), proxy.password().orElse(""))
                    : new HttpProxyHandler(address);
        } else {
            handler = proxy.username().isPresent()
                    ? new Socks5ProxyHandler(address, proxy.username().get(), proxy.password().orElse(""))
                    : new Socks5ProxyHandler(address);
        }
        handler.setConnectTimeoutMillis(Timeouts.millis(timeout));
        return handler;
    }

    /** Waits for the proxy to open the tunnel; a {@link dev.apns.ProxyException} when it does not. */
    static void awaitTunnel(ProxyHandler handler, Channel channel, Proxy proxy, Endpoint endpoint, Duration timeout)
            throws IOException {
        Future<Channel> tunnel = handler.connectFuture();
        if (!NettyRuntime.await(tunnel, timeout, channel, endpoint)) {
            throw NettyProxies.timedOut(proxy, endpoint, timeout);
        }
        if (!tunnel.isSuccess()) {
            channel.close();
            throw NettyProxies.refused(proxy, endpoint, timeout, tunnel.cause());
        }
    }

    /** The TCP connect to the proxy failed. */
    static ProxyException unreachable(Proxy proxy, Endpoint target, Duration timeout, Throwable cause) {
        if (cause instanceof io.netty.channel.ConnectTimeoutException) {
            return new ProxyException(proxy, target, null, "the TCP connect to the proxy did not finish within "
                    + Timeouts.describe(timeout), cause);
        }
        return new ProxyException(proxy, target, null, "could not connect to the proxy: "
                + NettyRuntime.reason(cause), cause);
    }

    /** The proxy did not open the tunnel within the timeout. */
    static ProxyException timedOut(Proxy proxy, Endpoint target, Duration timeout) {
        return new ProxyException(proxy, target, null, "the proxy did not open the tunnel within "
                + Timeouts.describe(timeout), null);
    }

    /** The tunnel failed: the proxy refused, closed, answered nonsense, or was too slow. */
    static ProxyException refused(Proxy proxy, Endpoint target, Duration timeout, Throwable cause) {
        Throwable failure = NettyConnection.unwrap(cause);
        if (failure instanceof ProxyConnectException) {
            String message = String.valueOf(failure.getMessage());
            if (message.endsWith(", timeout")) {
                return new ProxyException(proxy, target, null, "the proxy did not open the tunnel within "
                        + Timeouts.describe(timeout), failure);
            }
            if (message.endsWith(", disconnected")) {
                return new ProxyException(proxy, target, null, "it closed the connection before the tunnel stood",
                        failure);
            }
            String answer = answerIn(message);
            if (answer != null) {
                return new ProxyException(proxy, target, answer, refusal(proxy, answer), failure);
            }
            return new ProxyException(proxy, target, null, "the tunnel failed: " + message, failure);
        }
        if (failure instanceof ClosedChannelException) {
            return new ProxyException(proxy, target, null, "it closed the connection before the tunnel stood", failure);
        }
        return new ProxyException(proxy, target, null, "the tunnel failed: " + NettyRuntime.reason(failure), failure);
    }

    /**
     * The proxy's answer in a message of Netty's proxy handlers, which reads
     * {@code "<protocol>, <auth>, <proxy> => <target>, status: 407 Proxy Authentication Required"}, or
     * {@code "authStatus: FAILURE"} for refused SOCKS5 credentials; null when there is none.
     */
    private static String answerIn(String message) {
        for (String marker : new String[] {"authStatus: ", "status: "}) {
            int at = message.indexOf(marker);
            if (at >= 0) {
                return message.substring(at);
            }
        }
        return null;
    }

    private static String refusal(Proxy proxy, String answer) {
        if (answer.startsWith("status: 407")) {
            return proxy.username().isPresent()
                    ? "it refused the credentials of user " + proxy.username().get() + " (407)"
                    : "it requires authentication (407); give credentials with Proxy.withBasicAuth";
        }
        if (answer.startsWith("authStatus: ")) {
            return "it refused the credentials of user " + proxy.username().orElse("(none)");
        }
        return "it refused the tunnel";
    }
}
