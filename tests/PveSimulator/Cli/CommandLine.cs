using System.Globalization;

namespace PveSimulator.Cli;

/// <summary>The standalone program's flags (see README.md).</summary>
internal sealed record CommandLine
{
    public int Port { get; init; } = 8006;
    public int Nodes { get; init; } = 3;
    public bool Standalone { get; init; }
    public PveVersionMode Version { get; init; } = PveVersionMode.Pve8;
    public int Containers { get; init; } = 10;
    public string? ScenarioPath { get; init; }
    public string? TokenId { get; init; }
    public string? TokenSecret { get; init; }
    public int? TaskDurationMs { get; init; }
    public int? RefreshMs { get; init; }
    public int? DhcpDelayMs { get; init; }
    public string? DhcpNetwork { get; init; }
    public int? HaDelayMs { get; init; }
    public int? Workers { get; init; }
    public int? MaxParallelTasks { get; init; }
    public int? StorageAllocationMs { get; init; }
    public int? UnauthorizedDelayMs { get; init; }
    public string? InfoFile { get; init; }
    public bool LogRequests { get; init; }
    public bool ShowHelp { get; init; }

    public const string Usage = """
        Usage: dotnet run --project tests/PveSimulator -- [options]

          --port N                 HTTPS port on 127.0.0.1 (default 8006; 0 picks a free one)
          --nodes N                cluster nodes pve1..pveN (default 3)
          --standalone             one node "pve", no cluster entry in /cluster/status
          --version 7|8|9          PVE release line to reproduce (default 8)
          --containers N           seeded containers, vmids from 100 (default 10)
          --scenario FILE          JSON with the exact nodes, containers and tokens (replaces seeding)
          --token-id ID            token to print (and create with every privilege), e.g. root@pam!demo
          --token-secret S         its secret (default: random UUID)
          --task-duration-ms N     how long start/stop/shutdown tasks run (default 500)
          --refresh-ms N           /cluster/resources refresh interval (default 10000; 0 = always fresh)
          --dhcp-delay-ms N        delay after a start before a DHCP address shows (default 0)
          --ha-delay-ms N          delay before HA-managed CTs change state (default 1000)
          --workers N              pvedaemon workers per node (default 3)
          --max-parallel-tasks N   worker tasks running at once per node; more wait in line (default 0 = no limit)
          --dhcp-network CIDR        lease addresses of this network to started CTs with ip=dhcp and no lease of their own
          --storage-allocation-ms N  how long one volume allocation holds its storage's lock (default 0)
          --unauthorized-delay-ms N  delay before each 401 (default 3000, as PVE)
          --info-file PATH         write {url, tokenId, tokenSecret, fingerprint, certificatePem} as JSON
          --log-requests           print one line per request
          --help                   this text
        """;

    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        var result = new CommandLine();
        for (var i = 0; i < args.Count; i++)
        {
            var flag = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new FormatException($"{flag} needs a value");
            int Number() => int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new FormatException($"{flag} needs a non-negative integer");

            result = flag switch
            {
                "--port" => result with { Port = Number() },
                "--nodes" => result with { Nodes = Math.Max(1, Number()) },
                "--standalone" => result with { Standalone = true },
                "--version" => result with { Version = ParseVersion(Value()) },
                "--containers" => result with { Containers = Number() },
                "--scenario" => result with { ScenarioPath = Value() },
                "--token-id" => result with { TokenId = Value() },
                "--token-secret" => result with { TokenSecret = Value() },
                "--task-duration-ms" => result with { TaskDurationMs = Number() },
                "--refresh-ms" => result with { RefreshMs = Number() },
                "--dhcp-delay-ms" => result with { DhcpDelayMs = Number() },
                "--dhcp-network" => result with { DhcpNetwork = Value() },
                "--ha-delay-ms" => result with { HaDelayMs = Number() },
                "--workers" => result with { Workers = Math.Max(1, Number()) },
                "--max-parallel-tasks" => result with { MaxParallelTasks = Number() },
                "--storage-allocation-ms" => result with { StorageAllocationMs = Number() },
                "--unauthorized-delay-ms" => result with { UnauthorizedDelayMs = Number() },
                "--info-file" => result with { InfoFile = Value() },
                "--log-requests" => result with { LogRequests = true },
                "--help" or "-h" => result with { ShowHelp = true },
                _ => throw new FormatException($"unknown option {flag}"),
            };
        }

        return result;
    }

    private static PveVersionMode ParseVersion(string value) => value switch
    {
        "7" or "pve7" or "Pve7" => PveVersionMode.Pve7,
        "8" or "pve8" or "Pve8" => PveVersionMode.Pve8,
        "9" or "pve9" or "Pve9" => PveVersionMode.Pve9,
        _ => throw new FormatException($"--version takes 7, 8 or 9, not {value}"),
    };
}
