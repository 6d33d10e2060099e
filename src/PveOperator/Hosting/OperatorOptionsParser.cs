using System.Globalization;

namespace PveOperator.Hosting;

/// <summary>
/// Parses flags the way controller-runtime managers take them: "--name=value", "--name value", and
/// bare boolean flags ("--leader-elect").
/// </summary>
internal static class OperatorOptionsParser
{
    public const string Usage = """
        usage: PveOperator [flags]
          --leader-elect[=true|false]          only the holder of a Lease reconciles (default false)
          --leader-election-namespace NS       namespace of the Lease (default pve-system)
          --leader-election-id NAME            name of the Lease (default pve-operator-leader)
          --metrics-bind-address ADDR          where /metrics is served, e.g. :8080; 0 turns it off
          --health-probe-bind-address ADDR     where /healthz and /readyz are served, e.g. :8081
          --max-concurrent-reconciles N        workers per controller (default 4)
          --secret-namespace NS                namespace of the token Secrets, watched for rotation
                                               (default: $POD_NAMESPACE, else pve-system)
          --ip-refresh-per-minute N            slow container address refreshes per provider and minute at most
                                               (default 20; 0 = no cap, every container every 10 min)
          --config-refresh-interval DURATION   how often each container's whole config is read to find drift made
                                               in PVE (default 10m; 0 = only at spec changes and snapshot changes)
          --config-refresh-per-minute N        periodic config reads per provider and minute at most (default 20)
          --max-allocations-per-storage N      creates, clones and destroys in flight per PVE storage (default 8;
                                               lower it for storages that allocate slowly)
          --lock-stale-after DURATION          a container lock held longer is reported Stalled, with how to clear
                                               a stale one (default 30m)
          --kubeconfig PATH                    kubeconfig to use (default: KUBECONFIG, then in-cluster)
          --log-format text|json               (default text)
          --allow-insecure-tls[=true|false]    let providers use tls.insecureSkipVerify (default false: refused)
          --min-sync-interval DURATION         shortest spec.syncInterval accepted (default 5s; lower only for tests)
          --log-level LEVEL                    Trace, Debug, Information, Warning, Error (default Information)
        """;

    public static OperatorOptions Parse(IReadOnlyList<string> args)
    {
        var options = new OperatorOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"unexpected argument '{arg}'");
            }

            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var name = equals > 0 ? arg[2..equals] : arg[2..];
            string? inlineValue = equals > 0 ? arg[(equals + 1)..] : null;

            string Value()
            {
                if (inlineValue is not null)
                {
                    return inlineValue;
                }

                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    throw new ArgumentException($"flag --{name} needs a value");
                }

                return args[++i];
            }

            bool Flag() => inlineValue is null || bool.Parse(inlineValue);

            options = name switch
            {
                "leader-elect" => options with { LeaderElect = Flag() },
                "leader-election-namespace" => options with { LeaderElectionNamespace = Value() },
                "leader-election-id" => options with { LeaderElectionId = Value() },
                "metrics-bind-address" => options with { MetricsBindAddress = Value() },
                "health-probe-bind-address" => options with { HealthProbeBindAddress = Value() },
                "max-concurrent-reconciles" => options with { MaxConcurrentReconciles = PositiveInt(name, Value()) },
                "ip-refresh-per-minute" => options with { IpRefreshPerMinute = NonNegativeInt(name, Value()) },
                "max-allocations-per-storage" => options with { MaxAllocationsPerStorage = PositiveInt(name, Value()) },
                "lock-stale-after" => options with { LockStaleAfter = Duration(name, Value()) },
                "config-refresh-interval" => options with { ConfigRefreshInterval = DurationOrZero(name, Value()) },
                "config-refresh-per-minute" => options with { ConfigRefreshPerMinute = NonNegativeInt(name, Value()) },
                "kubeconfig" => options with { Kubeconfig = Value() },
                "secret-namespace" => options with { SecretNamespace = Value() },
                "log-format" => options with { JsonLogs = Value() switch
                {
                    "json" => true,
                    "text" => false,
                    var other => throw new ArgumentException($"--log-format must be text or json, not '{other}'"),
                } },
                "log-level" => options with { LogLevel = Value() },
                "allow-insecure-tls" => options with { AllowInsecureTls = Flag() },
                "min-sync-interval" => options with { MinSyncInterval = Duration(name, Value()) },
                _ => throw new ArgumentException($"unknown flag --{name}"),
            };
        }

        return options;
    }

    /// <summary>A duration, or "0" to turn the thing off.</summary>
    private static TimeSpan DurationOrZero(string name, string value) => value == "0" ? TimeSpan.Zero : Duration(name, value);

    private static int NonNegativeInt(string name, string value)
        => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new ArgumentException($"--{name} must be a non-negative integer, not '{value}'");

    private static int PositiveInt(string name, string value)
        => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number
            : throw new ArgumentException($"--{name} must be a positive integer, not '{value}'");

    private static TimeSpan Duration(string name, string value)
        => PveOperator.Entities.DurationFormat.TryParse(value, out var duration) && duration > TimeSpan.Zero
            ? duration
            : throw new ArgumentException($"--{name} must be a duration such as 5s, not '{value}'");
}
