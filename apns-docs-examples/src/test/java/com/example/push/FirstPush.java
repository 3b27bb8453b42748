// tag::gs-first-push[]
package com.example.push;

import dev.apns.ApnsSender;
import dev.apns.ApnsSession;
import dev.apns.DeviceToken;
import dev.apns.Environment;
import dev.apns.Notification;
import dev.apns.Outcome;
import dev.apns.Payload;
import dev.apns.SigningKey;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Sends one alert to one device: FirstPush AuthKey_ABC123DEFG.p8 ABC123DEFG DEF123GHIJ com.example.app 3f2a...c0de */
public final class FirstPush {
    public static void main(String[] args) throws Exception {
        SigningKey key = SigningKey.fromP8(Path.of(args[0]), args[1], args[2]);   // the .p8 file, key id, team id
        try (ApnsSession session = ApnsSession.builder()
                .signingKey(key)
                .environment(Environment.SANDBOX)     // a development build of your app; PRODUCTION by default
                .build()) {
            System.out.println(push(session, args[3], args[4]));
        }
    }

    /** Sends "Hello" to the device with this token, for the app with this bundle id, and waits for the answer. */
    public static Outcome push(ApnsSession session, String bundleId, String hexToken) throws Exception {
        Payload payload = Payload.builder().alert("Hello from the SDK").sound("default").build();
        Notification notification = Notification.builder(DeviceToken.fromHex(hexToken), payload)
                .bundleId(bundleId)                   // the apns-topic
                .build();
        try (ApnsSender sender = session.sender()) {
            return sender.submit(notification).toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }
}
// end::gs-first-push[]
