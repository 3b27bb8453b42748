package dev.apns.cli;

import dev.apns.Proxy;

import picocli.CommandLine.Option;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code --proxy http://user@host:port} or {@code socks5://user@host:port}, with the proxy's password from an
 * environment variable, a file or a terminal prompt: never from the command line, where the process list and the
 * shell's history would show it. One instance per command run; not thread-safe.
 */
final class ProxyOptions {
    @Option(names = "--proxy", paramLabel = "URL",
            description = "Connect through this proxy: http://[USER@]HOST:PORT (HTTP CONNECT, basic authentication) "
                    + "or socks5://[USER@]HOST:PORT. The password is never part of the URL.")
    String proxy;

    @Option(names = "--proxy-password-env", paramLabel = "VAR",
            description = "Take the proxy user's password from this environment variable.")
    String passwordEnv;

    @Option(names = "--proxy-password-file", paramLabel = "FILE",
            description = "Take the proxy user's password from the first line of this file. Without either, a "
                    + "terminal asks for it.")
    Path passwordFile;

    /**
     * The proxy, or null when none was asked for.
     *
     * @throws CliException exit code 3 naming the flag
     */
    Proxy load(Io io) {
        if (proxy == null) {
            if (passwordEnv != null || passwordFile != null) {
                throw CliException.badInput((passwordEnv != null ? "--proxy-password-env" : "--proxy-password-file")
                        + " goes with --proxy URL, which was not given.");
            }
            return null;
        }
        if (passwordEnv != null && passwordFile != null) {
            throw CliException.badInput("--proxy-password-env and --proxy-password-file cannot be combined; give the "
                    + "password one way.");
        }
        String raw = proxy.strip();
        String authority = raw.indexOf("://") < 0 ? raw : raw.substring(raw.indexOf("://") + 3);
        int at = authority.lastIndexOf('@');
        if (at >= 0 && authority.substring(0, at).indexOf(':') >= 0) {
            // The URL is not repeated in the message: it holds the password.
            throw CliException.badInput("--proxy: the URL holds a password; give only the user in the URL and the "
                    + "password with --proxy-password-env VAR or --proxy-password-file FILE, so that it does not show "
                    + "in the process list.");
        }
        URI uri;
        try {
            uri = new URI(proxy.strip());
        } catch (URISyntaxException e) {
            throw badUrl("is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("socks5")) {
            throw badUrl("names no proxy type APNs connections can use; write http://HOST:PORT (HTTP CONNECT) or "
                    + "socks5://HOST:PORT");
        }
        if (uri.getHost() == null || uri.getPort() < 1) {
            throw badUrl("needs a host and a port, such as " + scheme + "://proxy.example.com:"
                    + (scheme.equals("http") ? "3128" : "1080"));
        }
        if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")
                || uri.getRawQuery() != null) {
            throw badUrl("has a path or query; a proxy URL is only SCHEME://[USER@]HOST:PORT");
        }
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        String user = uri.getUserInfo();
        Proxy base = scheme.equals("http") ? Proxy.httpConnect(host, uri.getPort()) : Proxy.socks5(host, uri.getPort());
        if (user == null) {
            if (passwordEnv != null || passwordFile != null) {
                throw badUrl("names no user for the password given; write " + scheme + "://USER@HOST:PORT");
            }
            return base;
        }
        String password = password(io, user);
        try {
            return scheme.equals("http") ? base.withBasicAuth(user, password) : base.withUsernamePassword(user, password);
        } catch (IllegalArgumentException e) {
            throw CliException.badInput("--proxy " + proxy + ": " + e.getMessage(), e);
        }
    }

    private String password(Io io, String user) {
        if (passwordEnv != null) {
            String value = io.environment().apply(passwordEnv);
            if (value == null) {
                throw CliException.badInput("--proxy-password-env " + passwordEnv + ": the environment variable "
                        + passwordEnv + " is not set.");
            }
            return value;
        }
        if (passwordFile != null) {
            String text = new String(InputFiles.bytes("--proxy-password-file", passwordFile), StandardCharsets.UTF_8);
            int end = 0;
            while (end < text.length() && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
                end++;
            }
            return text.substring(0, end);
        }
        if (io.terminal().isPresent()) {
            char[] typed = io.terminal().get().readPassword("Password of " + user + " for the proxy: ");
            if (typed == null) {
                throw CliException.badInput("--proxy: no password was typed (the input ended).");
            }
            return new String(typed);
        }
        throw CliException.badInput("--proxy " + proxy + ": the password of " + user + " is needed; give it with "
                + "--proxy-password-env VAR or --proxy-password-file FILE, or run on a terminal to be asked for it.");
    }

    private CliException badUrl(String problem) {
        return CliException.badInput("--proxy " + proxy + ": " + problem + ".");
    }
}
