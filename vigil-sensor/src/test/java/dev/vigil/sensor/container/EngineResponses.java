package dev.vigil.sensor.container;

import java.nio.charset.StandardCharsets;

/** Engine API answers as podman 4.3.1 ({@code podman system service}) sends them, for the fake engine. */
final class EngineResponses {

    private EngineResponses() {}

    static final String PODMAN_ID = "f1abd6f17f521d83f479f1269bcb499365bdefea0931d3f17c1cc391f9b67672";

    /**
     * {@code GET /v1.41/containers/<id>/json} for {@code podman run -d acme/web:1.0 /bin/sleep 60},
     * captured from podman 4.3.1 on Debian 12 and only re-indented. Note {@code Image} is the image id
     * and {@code Config.Image} the reference the user ran.
     */
    static final String PODMAN_INSPECT_JSON = """
            {
              "Id": "f1abd6f17f521d83f479f1269bcb499365bdefea0931d3f17c1cc391f9b67672",
              "Created": "2026-11-22T19:07:10.787740546Z",
              "Path": "/bin/sleep",
              "Args": ["60"],
              "State": {
                "Status": "running",
                "Running": true,
                "Paused": false,
                "Restarting": false,
                "OOMKilled": false,
                "Dead": false,
                "Pid": 4645,
                "ExitCode": 0,
                "Error": "",
                "StartedAt": "2026-11-22T19:07:10.885141359Z",
                "FinishedAt": "0001-01-01T00:00:00Z",
                "Health": {
                  "Status": "",
                  "FailingStreak": 0,
                  "Log": null
                }
              },
              "Image": "sha256:07a9a516aaa3996ada9d55e21ab69bbf00dd541dd0ab4be013b3e29e1c70bcc7",
              "ResolvConfPath": "",
              "HostnamePath": "/run/containers/storage/overlay-containers/f1abd6f17f521d83f479f1269bcb499365bdefea0931d3f17c1cc391f9b67672/userdata/hostname",
              "HostsPath": "/run/containers/storage/overlay-containers/f1abd6f17f521d83f479f1269bcb499365bdefea0931d3f17c1cc391f9b67672/userdata/hosts",
              "LogPath": "/var/lib/containers/storage/overlay-containers/f1abd6f17f521d83f479f1269bcb499365bdefea0931d3f17c1cc391f9b67672/userdata/ctr.log",
              "Name": "/nervous_carver",
              "RestartCount": 0,
              "Driver": "overlay",
              "Platform": "linux",
              "MountLabel": "",
              "ProcessLabel": "",
              "AppArmorProfile": "",
              "ExecIDs": [],
              "HostConfig": {
                "Binds": [],
                "ContainerIDFile": "",
                "LogConfig": {
                  "Type": "json-file",
                  "Config": null
                },
                "NetworkMode": "none",
                "PortBindings": {},
                "RestartPolicy": {
                  "Name": "",
                  "MaximumRetryCount": 0
                },
                "AutoRemove": false,
                "VolumeDriver": "",
                "VolumesFrom": null,
                "CapAdd": [],
                "CapDrop": ["AUDIT_WRITE", "MKNOD", "NET_RAW"],
                "CgroupnsMode": "",
                "Dns": [],
                "DnsOptions": [],
                "DnsSearch": [],
                "ExtraHosts": [],
                "GroupAdd": [],
                "IpcMode": "shareable",
                "Cgroup": "",
                "Links": null,
                "OomScoreAdj": 0,
                "PidMode": "private",
                "Privileged": false,
                "PublishAllPorts": false,
                "ReadonlyRootfs": false,
                "SecurityOpt": [],
                "UTSMode": "private",
                "UsernsMode": "",
                "ShmSize": 65536000,
                "Runtime": "oci",
                "ConsoleSize": [0, 0],
                "Isolation": "",
                "CpuShares": 0,
                "Memory": 0,
                "NanoCpus": 0,
                "CgroupParent": "",
                "BlkioWeight": 0,
                "BlkioWeightDevice": null,
                "BlkioDeviceReadBps": null,
                "BlkioDeviceWriteBps": null,
                "BlkioDeviceReadIOps": null,
                "BlkioDeviceWriteIOps": null,
                "CpuPeriod": 0,
                "CpuQuota": 0,
                "CpuRealtimePeriod": 0,
                "CpuRealtimeRuntime": 0,
                "CpusetCpus": "",
                "CpusetMems": "",
                "Devices": [],
                "DeviceCgroupRules": null,
                "DeviceRequests": null,
                "KernelMemory": 0,
                "KernelMemoryTCP": 0,
                "MemoryReservation": 0,
                "MemorySwap": 0,
                "MemorySwappiness": 0,
                "OomKillDisable": false,
                "PidsLimit": 2048,
                "Ulimits": [
                  {
                    "Name": "RLIMIT_NOFILE",
                    "Hard": 20000,
                    "Soft": 1024
                  },
                  {
                    "Name": "RLIMIT_NPROC",
                    "Hard": 1024,
                    "Soft": 1024
                  }
                ],
                "CpuCount": 0,
                "CpuPercent": 0,
                "IOMaximumIOps": 0,
                "IOMaximumBandwidth": 0,
                "MaskedPaths": null,
                "ReadonlyPaths": null
              },
              "GraphDriver": {
                "Data": {
                  "LowerDir": "/var/lib/containers/storage/overlay/b8ad022e1355aba73ddadeb50adcc6878accb2f046afadec6de7d5b563f8fd12/diff",
                  "MergedDir": "/var/lib/containers/storage/overlay/10f5963f718ec542865711f8b1477405614f5499f7993f9bf4546609dabc6f76/merged",
                  "UpperDir": "/var/lib/containers/storage/overlay/10f5963f718ec542865711f8b1477405614f5499f7993f9bf4546609dabc6f76/diff",
                  "WorkDir": "/var/lib/containers/storage/overlay/10f5963f718ec542865711f8b1477405614f5499f7993f9bf4546609dabc6f76/work"
                },
                "Name": "overlay"
              },
              "SizeRootFs": 0,
              "Mounts": [],
              "Config": {
                "Hostname": "f1abd6f17f52",
                "Domainname": "",
                "User": "",
                "AttachStdin": false,
                "AttachStdout": false,
                "AttachStderr": false,
                "Tty": false,
                "OpenStdin": false,
                "StdinOnce": false,
                "Env": ["container=podman", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm", "HOME=/root", "HOSTNAME=f1abd6f17f52"],
                "Cmd": ["/bin/sleep", "60"],
                "Image": "localhost/acme/web:1.0",
                "Volumes": null,
                "WorkingDir": "/",
                "Entrypoint": [],
                "OnBuild": null,
                "Labels": {},
                "StopSignal": "15",
                "StopTimeout": 10
              },
              "NetworkSettings": {
                "Bridge": "",
                "SandboxID": "",
                "HairpinMode": false,
                "LinkLocalIPv6Address": "",
                "LinkLocalIPv6PrefixLen": 0,
                "Ports": {},
                "SandboxKey": "",
                "SecondaryIPAddresses": null,
                "SecondaryIPv6Addresses": null,
                "EndpointID": "",
                "Gateway": "",
                "GlobalIPv6Address": "",
                "GlobalIPv6PrefixLen": 0,
                "IPAddress": "",
                "IPPrefixLen": 0,
                "IPv6Gateway": "",
                "MacAddress": "",
                "Networks": {}
              }
            }
            """;

    /** Podman's answer to an HTTP/1.0 request: HTTP/1.0, no Content-Length, body until close. */
    static byte[] podman200(String json) {
        return bytes("HTTP/1.0 200 OK\r\n"
                + "Api-Version: 1.41\r\n"
                + "Content-Type: application/json\r\n"
                + "Libpod-Api-Version: 4.3.1\r\n"
                + "Server: Libpod/4.3.1 (linux)\r\n"
                + "X-Reference-Id: 0xc000014018\r\n"
                + "Date: Sun, 22 Nov 2026 19:07:17 GMT\r\n"
                + "\r\n"
                + json);
    }

    /** Podman's 404 for an unknown container, verbatim except the id. */
    static byte[] podman404(String id) {
        String json = "{\"cause\":\"no such container\",\"message\":\"no container with name or ID \\\"" + id
                + "\\\" found: no such container\",\"response\":404}\n";
        return bytes("HTTP/1.0 404 Not Found\r\n"
                + "Api-Version: 1.41\r\n"
                + "Content-Type: application/json\r\n"
                + "Libpod-Api-Version: 4.3.1\r\n"
                + "Server: Libpod/4.3.1 (linux)\r\n"
                + "Date: Sun, 22 Nov 2026 19:07:17 GMT\r\n"
                + "Content-Length: " + json.getBytes(StandardCharsets.UTF_8).length + "\r\n"
                + "\r\n"
                + json);
    }

    /** A docker-style 500 with a JSON message and a Content-Length. */
    static byte[] docker500(String message) {
        String json = "{\"message\":\"" + message + "\"}\n";
        return bytes("HTTP/1.1 500 Internal Server Error\r\n"
                + "Api-Version: 1.41\r\n"
                + "Content-Type: application/json\r\n"
                + "Server: Docker/24.0.7 (linux)\r\n"
                + "Content-Length: " + json.length() + "\r\n"
                + "\r\n"
                + json);
    }

    /** The body in chunks of {@code chunkSize} bytes, as an HTTP/1.1 server streams it. */
    static byte[] chunked200(String json, int chunkSize) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder("HTTP/1.1 200 OK\r\n"
                + "Api-Version: 1.41\r\n"
                + "Content-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n"
                + "\r\n");
        for (int i = 0; i < body.length; i += chunkSize) {
            int n = Math.min(chunkSize, body.length - i);
            out.append(Integer.toHexString(n)).append(i == 0 ? ";name=first" : "").append("\r\n")
                    .append(new String(body, i, n, StandardCharsets.UTF_8)).append("\r\n");
        }
        return bytes(out.append("0\r\n\r\n").toString());
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
