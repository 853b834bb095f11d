package io.pipelines.cluster;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import io.pipelines.config.PipelinesProperties;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;

/**
 * This instance's lease in etl.instances: registered at start-up, renewed every heartbeat
 * interval on a thread of its own (so that it goes on while Camel drains the runs in flight on a
 * graceful stop), and given up when the application context is destroyed, after Camel has
 * stopped: the runs still queued here are then orphans that another instance (or the next start)
 * takes over at once. Time is the warehouse's clock (now()), the same for every instance.
 */
@Component
public class InstanceLease {

    private static final Logger log = LoggerFactory.getLogger(InstanceLease.class);

    private final HikariDataSource pool;
    private final JdbcTemplate jdbc;
    private final PipelinesProperties.Cluster settings;
    private final String id;
    private final String host;
    private final long pid;
    private ScheduledExecutorService heartbeat;
    private volatile boolean renewing = true;
    /** System.nanoTime() of the first renewal after the last failed one. */
    private volatile long renewingSince;

    public InstanceLease(DataSourceProperties warehouse, PipelinesProperties properties) {
        this.settings = properties.getCluster();
        check(settings);
        // A connection of its own: a warehouse pool drained by busy runs must not starve the lease.
        this.pool = warehouse.initializeDataSourceBuilder().type(HikariDataSource.class).build();
        pool.setPoolName("instance-lease");
        pool.setMaximumPoolSize(1);
        pool.setMinimumIdle(0);
        pool.setConnectionTimeout(Math.max(250, settings.getHeartbeatInterval().toMillis()));
        pool.setInitializationFailTimeout(-1);
        this.jdbc = new JdbcTemplate(pool);
        this.host = hostName();
        this.pid = ProcessHandle.current().pid();
        String name = settings.getInstanceId().isBlank() ? host : settings.getInstanceId().strip();
        // Never the id of an earlier process: that one's runs must look orphaned to this one.
        this.id = name + ":" + pid + ":" + UUID.randomUUID().toString().substring(0, 8);
    }

    static void check(PipelinesProperties.Cluster s) {
        if (s.getLease().compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("pipelines.cluster.lease must be at least 1s, not " + s.getLease());
        }
        if (s.getHeartbeatInterval().isZero() || s.getHeartbeatInterval().isNegative()
                || s.getHeartbeatInterval().multipliedBy(2).compareTo(s.getLease()) > 0) {
            throw new IllegalArgumentException("pipelines.cluster.heartbeat-interval (" + s.getHeartbeatInterval()
                    + ") must be positive and at most half of pipelines.cluster.lease (" + s.getLease() + ")");
        }
        if (s.getRecoveryInterval().isZero() || s.getRecoveryInterval().isNegative()) {
            throw new IllegalArgumentException("pipelines.cluster.recovery-interval must be positive, not " + s.getRecoveryInterval());
        }
        if (s.getMaxRecoveries() < 0) {
            throw new IllegalArgumentException("pipelines.cluster.max-recoveries must be 0 or more, not " + s.getMaxRecoveries());
        }
    }

    /** This instance's id: its name, process id and a random part (never reused by a later process). */
    public String id() {
        return id;
    }

    public Duration lease() {
        return settings.getLease();
    }

    /**
     * Whether this instance has renewed its lease without a break for a whole lease period: only
     * then may it judge other instances dead. After a warehouse outage every lease looks expired;
     * an instance that just got through again must give the others time to renew theirs.
     */
    public boolean isSteady() {
        return renewing && System.nanoTime() - renewingSince >= settings.getLease().toNanos();
    }

    @PostConstruct
    void register() {
        renew();
        renewingSince = System.nanoTime();
        heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "instance-lease");
            t.setDaemon(true);
            return t;
        });
        long every = settings.getHeartbeatInterval().toMillis();
        heartbeat.scheduleWithFixedDelay(this::renewQuietly, every, every, TimeUnit.MILLISECONDS);
        log.info("Instance {} holds a lease of {} in etl.instances, renewed every {}", id, settings.getLease(),
                settings.getHeartbeatInterval());
    }

    private void renew() {
        jdbc.update("INSERT INTO etl.instances (instance_id, host, pid) VALUES (?, ?, ?) "
                + "ON CONFLICT (instance_id) DO UPDATE SET heartbeat_at = now()", id, host, pid);
    }

    private void renewQuietly() {
        try {
            renew();
            if (!renewing) {
                log.info("Instance {}: lease renewed again; runs of other instances are taken over after {} more",
                        id, settings.getLease());
                renewingSince = System.nanoTime();
                renewing = true;
            }
        } catch (RuntimeException e) {
            if (renewing) {
                // Once per outage: the warehouse is down, so are the runs' records; another instance may take them over.
                log.warn("Instance {}: lease not renewed ({}); runs of this instance are taken over by another one "
                        + "after {} without renewal", id, e.getMessage(), settings.getLease());
                renewing = false;
            }
        }
    }

    /** Gives the lease up: what this instance had queued is taken over by the others at once. */
    @PreDestroy
    void release() {
        if (heartbeat != null) {
            heartbeat.shutdownNow();
        }
        try {
            jdbc.update("DELETE FROM etl.instances WHERE instance_id = ?", id);
            log.info("Instance {}: lease given up", id);
        } catch (RuntimeException e) {
            log.warn("Instance {}: lease not given up ({}); it expires after {}", id, e.getMessage(), settings.getLease());
        } finally {
            pool.close();
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            String runtime = ManagementFactory.getRuntimeMXBean().getName();
            int at = runtime.indexOf('@');
            return at >= 0 ? runtime.substring(at + 1) : "unknown-host";
        }
    }
}
