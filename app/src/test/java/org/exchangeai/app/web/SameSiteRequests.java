package org.exchangeai.app.web;

import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.exchangeai.app.security.Guard;

/**
 * Requests as the server's own pages send them: the session cookie, the page's origin and its
 * security token, so that tests of other behaviour pass the cross-site checks.
 */
public final class SameSiteRequests {

    private static final Pattern TOKEN = Pattern.compile("<meta name=\"csrf-token\" content=\"([^\"]*)\"");

    private final CookieManager cookies = new CookieManager();
    private final HttpClient http;
    private final Map<String, String> tokens = new HashMap<>();

    public SameSiteRequests(HttpClient.Builder builder) {
        this.http = builder.cookieHandler(cookies).build();
    }

    public HttpClient client() {
        return http;
    }

    /** Another client of the same session (for a request whose connection the server closes). */
    public HttpClient freshClient() {
        return HttpClient.newBuilder().cookieHandler(cookies).build();
    }

    /** A request builder for a state-changing request to {@code uri}, with origin and token. */
    public HttpRequest.Builder to(URI uri) throws Exception {
        String origin = uri.getScheme() + "://" + uri.getRawAuthority();
        String token = tokens.get(origin);
        if (token == null) {
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(origin + "/")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            Matcher m = TOKEN.matcher(page.body());
            if (!m.find()) {
                throw new AssertionError("no security token on " + origin + "/");
            }
            token = m.group(1);
            tokens.put(origin, token);
        }
        return HttpRequest.newBuilder(uri).header("Origin", origin).header(Guard.TOKEN_HEADER, token);
    }
}
