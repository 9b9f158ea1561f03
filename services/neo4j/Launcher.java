// A real Neo4j 5.26 for tests and CI, without Docker: the embedded community DBMS with its Bolt
// connector on 127.0.0.1. Run with:  java -cp "$HOME/.cache/dermkg/neo4j-lib/*" Launcher.java PORT DATA_DIR
// The password of user `neo4j` comes from the environment variable NEO4J_PASSWORD (at least 8
// characters), never from the command line, so it does not show in `ps`. Prints one line
// "READY bolt://127.0.0.1:PORT" when Bolt answers with auth; stops cleanly on SIGTERM / SIGINT.

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.QueryExecutionException;
import org.neo4j.io.ByteUnit;

public class Launcher {
    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: java -cp 'lib/*' Launcher.java PORT DATA_DIR");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        Path dataDir = Path.of(args[1]).toAbsolutePath();
        String password = System.getenv("NEO4J_PASSWORD");
        if (password == null || password.length() < 8) {
            System.err.println("Launcher: set NEO4J_PASSWORD (at least 8 characters)");
            System.exit(2);
        }
        long start = System.nanoTime();
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(dataDir)
            .setConfig(BoltConnector.enabled, true)
            .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
            .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
            .setConfig(HttpConnector.enabled, false)
            .setConfig(GraphDatabaseSettings.auth_enabled, true)
            .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(256))
            .setConfig(GraphDatabaseSettings.keep_logical_logs, "false")
            .setConfig(GraphDatabaseSettings.transaction_timeout, Duration.ofMinutes(10))
            .setConfig(GraphDatabaseSettings.shutdown_transaction_end_timeout, Duration.ofSeconds(2))
            .build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("STOPPING");
            dbms.shutdown();
            System.out.println("STOPPED");
            System.out.flush();
            stopped.countDown();
        }));
        try {
            // The built-in user starts with password "neo4j" (change required); set the real one. On a
            // restart over the same data directory the password may already be the one asked for.
            try {
                dbms.database("system").executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", Map.of("password", password));
            } catch (QueryExecutionException e) {
                if (!String.valueOf(e.getMessage()).contains("cannot be the same")) {
                    throw e;
                }
            }
            dbms.database("neo4j").executeTransactionally("RETURN 1");
        } catch (RuntimeException e) {
            // A failed set-up must not leave the DBMS threads keeping the JVM (and the lock) alive.
            e.printStackTrace();
            System.exit(1);  // runs the shutdown hook, which stops the DBMS
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        System.out.println("READY bolt://127.0.0.1:" + port + " in " + ms + " ms");
        System.out.flush();
        stopped.await();
    }
}
