package org.exchangeai.app.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One browser's worth of HTTP for tests: keeps the session cookie and the page's request token and
 * sends form posts the way this server's own pages do (same Origin, token field), unless told otherwise.
 */
final class WebClient {

    private static final Pattern TOKEN = Pattern.compile("<meta name=\"csrf-token\" content=\"([^\"]*)\">");
    private static final Pattern COOKIE = Pattern.compile("exchangeai_session=([^;]*)");

    final String base;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    String cookie;
    String token;

    WebClient(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    /** Loads a page to obtain the session and its token. */
    WebClient open(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = get(path);
        if (r.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
        }
        return this;
    }

    HttpResponse<String> post(String path, Map<String, String> form) throws IOException, InterruptedException {
        return post(path, form, base, token);
    }

    /** A form post with the given Origin (null: none) and token (null: none). */
    HttpResponse<String> post(String path, Map<String, String> form, String origin, String tokenValue)
            throws IOException, InterruptedException {
        StringJoiner body = new StringJoiner("&");
        form.forEach((k, v) -> body.add(enc(k) + "=" + enc(v)));
        if (tokenValue != null) {
            body.add("_csrf=" + enc(tokenValue));
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (origin != null) {
            b.header("Origin", origin);
        }
        return send(b);
    }

    /** A multipart post (fields, then files as name → (file name, bytes)) with this server's Origin and token. */
    HttpResponse<String> postMultipart(String path, Map<String, String> fields, String fileField, String fileName, byte[] content)
            throws IOException, InterruptedException {
        String boundary = "----webclient" + System.nanoTime();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Map<String, String> all = new java.util.LinkedHashMap<>(fields);
        all.put("_csrf", token);
        for (Map.Entry<String, String> e : all.entrySet()) {
            out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + e.getKey() + "\"\r\n\r\n"
                    + e.getValue() + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + fileField + "\"; filename=\""
                + fileName.replace("\"", "%22") + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(content);
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Origin", base)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(out.toByteArray())));
    }

    HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
        if (cookie != null) {
            b.header("Cookie", "exchangeai_session=" + cookie);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        r.headers().allValues("Set-Cookie").forEach(c -> {
            Matcher m = COOKIE.matcher(c);
            if (m.find()) {
                cookie = m.group(1).isEmpty() ? null : m.group(1);
            }
        });
        Matcher t = TOKEN.matcher(r.body());
        if (t.find()) {
            token = t.group(1);
        }
        return r;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
