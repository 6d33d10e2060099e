using System.Diagnostics;
using System.Net.Http.Json;
using k8s.Models;
using PveOperator.Entities;
using PveOperator.IntegrationTests.Operator;
using PveSimulator;
using Xunit.Abstractions;

namespace PveOperator.IntegrationTests.Reliability;

/// <summary>What the reliability tests share: containers, task and request counts, waiting for all Ready, figures.</summary>
internal static class ReliabilityKit
{
    /// <summary>Endpoints the provider's sync calls; everything else is caused by a container.</summary>
    private static readonly string[] ProviderSyncEndpoints = ["GET /version", "GET /cluster/status", "GET /cluster/resources", "GET /nodes", "GET /access/permissions"];

    public static SimContainer Container(int vmid, string node, bool running) => new()
    {
        Vmid = vmid,
        Node = node,
        Name = $"ct{vmid}",
        Running = running,
        Net = { ["net0"] = $"name=eth0,bridge=vmbr0,hwaddr=BC:24:11:00:{vmid % 100:D2}:02,ip=192.168.5.{vmid % 200}/24,type=veth" },
    };

    /// <summary>Tasks PVE carried out (the simulator's own list): what really happened, whatever was sent.</summary>
    public static async Task<IReadOnlyList<SimTaskInfo>> TasksAsync(PveSimulatorServer simulator)
    {
        using var handler = new HttpClientHandler
        {
            // The simulator's own self-signed certificate, pinned by its fingerprint.
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
                certificate is not null && Convert.ToHexString(certificate.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256))
                    .Equals(simulator.CertificateFingerprint.Replace(":", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase),
        };
        using var client = new HttpClient(handler) { BaseAddress = simulator.BaseUrl };
        return await client.GetFromJsonAsync<List<SimTaskInfo>>("/_sim/tasks") ?? [];
    }

    /// <summary>How many tasks of this type (vzstart, vzshutdown, vzstop) ran for the container.</summary>
    public static int Count(this IReadOnlyList<SimTaskInfo> tasks, int vmid, string type) =>
        tasks.Count(t => t.Type == type && t.Id == vmid.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Requests between two counter snapshots, all or only those a container caused.</summary>
    public static long RequestsBetween(IReadOnlyDictionary<string, long> before, IReadOnlyDictionary<string, long> after, bool containerOnly) =>
        after.Where(p => !containerOnly || !ProviderSyncEndpoints.Contains(p.Key))
            .Sum(p => p.Value - before.GetValueOrDefault(p.Key));

    /// <summary>
    /// Waits until every container in the namespace is Ready=True for its current generation with no operation pending;
    /// returns how long it took, for the figures only (<paramref name="timeout"/> is a safety net, not a target).
    /// </summary>
    public static async Task<TimeSpan> WaitAllReadyAsync(OperatorHarness harness, IReadOnlyCollection<string> names, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        var pending = new HashSet<string>(names, StringComparer.Ordinal);
        var last = new Dictionary<string, string>(StringComparer.Ordinal);
        await Eventually.TrueAsync(async () =>
        {
            foreach (var name in pending.ToList())
            {
                var container = await harness.GetContainerAsync(name);
                var ready = ConditionList.Find(container.Status?.Conditions, ConditionTypes.Ready);
                last[name] = ready is null ? "no Ready condition" : $"{ready.Status} {ready.Reason}: {ready.Message}";
                if (ready is { Status: "True" } && ready.ObservedGeneration == container.Metadata.Generation
                    && container.Status!.Operation is null && container.Status.PendingTask is null)
                {
                    pending.Remove(name);
                }
            }

            return pending.Count == 0;
        }, () => "every container is Ready; not yet: " + string.Join("; ", pending.Order().Select(n => $"{n}: {last.GetValueOrDefault(n)}")), timeout);
        return watch.Elapsed;
    }

    /// <summary>The Ready condition's reason and message of a container.</summary>
    public static async Task<V1Condition?> ReadyOfAsync(OperatorHarness harness, string name) =>
        ConditionList.Find((await harness.GetContainerAsync(name)).Status?.Conditions, ConditionTypes.Ready);

    /// <summary>Waits for a Warning event with this reason about the object.</summary>
    public static async Task<Corev1Event> WaitForWarningAsync(OperatorHarness harness, string name, string reason, bool clusterScoped = false)
    {
        Corev1Event? found = null;
        await Eventually.TrueAsync(async () =>
        {
            found = (await harness.EventsForAsync(name, clusterScoped)).FirstOrDefault(e => e.Type == "Warning" && e.Reason == reason);
            return found is not null;
        }, $"a Warning event {reason} about {name}", TimeSpan.FromSeconds(15));
        return found!;
    }

    /// <summary>A measured figure: in the test output, and appended to $PVE_OPERATOR_FIGURES when set (for docs/reliability.md).</summary>
    public static void Figure(ITestOutputHelper output, string what, string value)
    {
        var line = $"FIGURE | {what} | {value}";
        output.WriteLine(line);
        if (Environment.GetEnvironmentVariable("PVE_OPERATOR_FIGURES") is { Length: > 0 } path)
        {
            lock (typeof(ReliabilityKit))
            {
                File.AppendAllText(path, line + Environment.NewLine);
            }
        }
    }
}

/// <summary>One entry of the simulator's GET /_sim/tasks.</summary>
internal sealed record SimTaskInfo(string Upid, string Node, string Type, string Id, string Status, string? Exitstatus);
