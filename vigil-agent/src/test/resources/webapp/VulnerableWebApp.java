import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A minimal "web application" with a command-injection hole, run by the agent's end-to-end test as a
 * separate JVM: it listens on 127.0.0.1, prints its port, accepts one request line and runs it
 * through sh -c, as a web shell would.
 */
public class VulnerableWebApp {
    public static void main(String[] args) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            System.out.println(server.getLocalPort());
            System.out.flush();
            try (Socket client = server.accept();
                 BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream()));
                 PrintWriter out = new PrintWriter(client.getOutputStream(), true)) {
                String command = in.readLine();
                Process p = new ProcessBuilder("/bin/sh", "-c", command).redirectErrorStream(true).start();
                out.println(new String(p.getInputStream().readAllBytes()).length() + " bytes");
                out.println("exit " + p.waitFor());
            }
        }
    }
}
