package io.pipelines.config;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/** Connection pools of the source databases under {@code pipelines.connections}, opened on first use. */
@Component
public class SourceConnections implements DisposableBean {

    private final Map<String, PipelinesProperties.Connection> settings;
    private final Map<String, HikariDataSource> pools = new ConcurrentHashMap<>();

    public SourceConnections(PipelinesProperties properties) {
        this.settings = properties.getConnections();
    }

    public PipelinesProperties.Connection settings(String name) {
        PipelinesProperties.Connection connection = settings.get(name);
        if (connection == null) {
            throw new IllegalArgumentException("No connection named '" + name + "' under pipelines.connections (known: "
                    + settings.keySet() + ")");
        }
        return connection;
    }

    public DataSource dataSource(String name) {
        PipelinesProperties.Connection connection = settings(name);
        return pools.computeIfAbsent(name, n -> {
            HikariConfig config = new HikariConfig();
            config.setPoolName("source-" + n);
            config.setJdbcUrl(connection.getUrl());
            config.setUsername(connection.getUsername());
            config.setPassword(connection.getPassword());
            config.setMaximumPoolSize(connection.getPoolSize());
            config.setMinimumIdle(0);
            config.setConnectionTimeout(connection.getConnectTimeout().toMillis());
            config.setReadOnly(true);
            // Do not fail start-up when a source is down: the run that needs it fails, naming it.
            config.setInitializationFailTimeout(-1);
            return new HikariDataSource(config);
        });
    }

    @Override
    public void destroy() {
        pools.values().forEach(HikariDataSource::close);
    }
}
