package org.exchangeai.app.web;

import io.javalin.config.RoutesConfig;

/** One page of the platform: registers its routes. */
public interface Page {

    void register(RoutesConfig routes);
}
