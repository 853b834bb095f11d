package io.pipelines.local;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The local profile's demo HTTP API of products, paged: {@code GET /products?page=1&size=100}
 * answers {@code {"data":[...],"page":1,"size":100,"total":250}}, products ordered by id. Generated
 * from a fixed seed: the same products on every machine.
 */
final class DemoProductsApi {

    private static final String[] CATEGORIES = {"books", "electronics", "garden", "toys", "grocery"};
    private static final int MAX_SIZE = 1000;

    private final HttpServer server;
    private final String[] products;

    private DemoProductsApi(HttpServer server, String[] products) {
        this.server = server;
        this.products = products;
    }

    static DemoProductsApi start(int port, int count, long seed, LocalDate today) throws IOException {
        Random random = new Random(seed);
        Instant start = today.minusDays(30).atStartOfDay().toInstant(ZoneOffset.UTC);
        String[] products = new String[count];
        for (int i = 0; i < count; i++) {
            int id = i + 1;
            String category = CATEGORIES[random.nextInt(CATEGORIES.length)];
            long cents = 199 + random.nextInt(20_000);
            Instant updated = start.plusSeconds(random.nextInt(30 * 24 * 3600));
            products[i] = String.format(java.util.Locale.ROOT,
                    "{\"id\":%d,\"sku\":\"SKU-%05d\",\"name\":\"%s item %d\",\"category\":\"%s\",\"price\":%d.%02d,\"updated_at\":\"%s\"}",
                    id, id, category, id, category, cents / 100, cents % 100, updated);
        }
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        DemoProductsApi api = new DemoProductsApi(server, products);
        server.createContext("/products", api::handle);
        server.start();
        return api;
    }

    int port() {
        return server.getAddress().getPort();
    }

    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        int status = 200;
        String body;
        try {
            int page = Integer.parseInt(query.getOrDefault("page", "1"));
            int size = Integer.parseInt(query.getOrDefault("size", "100"));
            if (page < 1 || size < 1 || size > MAX_SIZE) {
                throw new NumberFormatException();
            }
            StringBuilder data = new StringBuilder();
            long from = (long) (page - 1) * size;
            for (long i = from; i < Math.min(products.length, from + size); i++) {
                data.append(data.isEmpty() ? "" : ",").append(products[(int) i]);
            }
            body = "{\"data\":[" + data + "],\"page\":" + page + ",\"size\":" + size + ",\"total\":" + products.length + "}";
        } catch (NumberFormatException e) {
            status = 400;
            body = "{\"error\":\"page must be 1 or more and size from 1 to " + MAX_SIZE + "\"}";
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> values = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    values.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return values;
    }
}
