package dev.apns.benchmarks.pushy;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Optional;

/**
 * CPU time used so far by this JVM and by the mock server's JVM (its child process), for the CPU cost of a round
 * on each side: on a machine shared with other work, CPU per notification is steadier than the rate.
 */
final class CpuClock {
    private final com.sun.management.OperatingSystemMXBean os;

    CpuClock() {
        os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    }

    /** This JVM's CPU time in nanoseconds. */
    long clientNanos() {
        return os.getProcessCpuTime();
    }

    /** The CPU time of this JVM's child processes (the mock server) in nanoseconds, or -1 when the OS says none. */
    long serverNanos() {
        long total = 0;
        boolean any = false;
        for (ProcessHandle child : ProcessHandle.current().children().toList()) {
            Optional<Duration> cpu = child.info().totalCpuDuration();
            if (cpu.isPresent()) {
                total += cpu.get().toNanos();
                any = true;
            }
        }
        return any ? total : -1;
    }
}
