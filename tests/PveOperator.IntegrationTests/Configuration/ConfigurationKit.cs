using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using PveOperator.Controllers;
using PveOperator.Entities;
using PveOperator.IntegrationTests.Operator;
using PveSimulator;
using static PveOperator.IntegrationTests.Lifecycle.LifecycleKit;

namespace PveOperator.IntegrationTests.Configuration;

/// <summary>What the configuration tests share: the contract's reasons and field names, settings, waits, PVE-side reads.</summary>
internal static class ConfigurationKit
{
    // The contract of issue 11, spelled out here rather than taken from Controllers.Reasons so that these tests
    // state what users see and do not follow a rename silently.
    public const string InSync = "InSync";
    public const string Drifted = "Drifted";
    public const string ObserveOnly = "ObserveOnly";
    public const string CannotShrink = "CannotShrink";
    public const string RequiresReplacement = "RequiresReplacement";
    public const string PermissionDenied = "PermissionDenied";
    public const string PendingChanges = "PendingChanges";
    public const string NothingPending = "NothingPending";

    public const string PutConfig = "PUT /nodes/{node}/lxc/{vmid}/config";
    public const string PutResize = "PUT /nodes/{node}/lxc/{vmid}/resize";
    public const string PostMigrate = "POST /nodes/{node}/lxc/{vmid}/migrate";

    /// <summary>The harness's fast settings with the config refresh at <paramref name="configRefresh"/> (2 s unless given).</summary>
    public static ContainerControllerSettings Settings(TimeSpan? configRefresh = null) =>
        OperatorHarness.FastSettings with { ConfigRefreshInterval = configRefresh ?? TimeSpan.FromSeconds(2) };

    /// <summary>Adopts an existing CT by vmid with the spec the test sets (powerState follows the CT unless set).</summary>
    public static Task<string> AdoptAsync(OperatorHarness harness, string provider, SimContainer existing, Action<LxcContainerSpec> customize, string? name = null) =>
        CreateResourceAsync(harness, provider, name ?? $"cfg-{existing.Vmid}", spec =>
        {
            spec.Vmid = existing.Vmid;
            spec.PowerState = existing.Running ? PowerState.Running : PowerState.Stopped;
            customize(spec);
        });

    public static bool Has(V1Alpha1LxcContainer container, string type, string status, string? reason = null) =>
        Condition(container, type) is { } condition && condition.Status == status && (reason is null || condition.Reason == reason)
        && condition.ObservedGeneration == container.Metadata.Generation;

    public static bool IsInSync(V1Alpha1LxcContainer container) =>
        Has(container, ConditionTypes.Synced, "True", InSync) && (container.Status?.Drift ?? []).Count == 0;

    /// <summary>Waits until Synced=True (InSync) for the current generation and Ready=True.</summary>
    public static Task<V1Alpha1LxcContainer> WaitInSyncAsync(OperatorHarness harness, string name, TimeSpan? timeout = null) =>
        harness.WaitForContainerAsync(name, c => IsInSync(c) && Has(c, ConditionTypes.Ready, "True"), $"{name} is Synced=True (InSync) and Ready=True", timeout);

    public static Task<V1Alpha1LxcContainer> WaitConditionAsync(OperatorHarness harness, string name, string type, string status, string reason, TimeSpan? timeout = null) =>
        harness.WaitForContainerAsync(name, c => Has(c, type, status, reason), $"{name} has {type}={status} ({reason})", timeout);

    public static string? Drift(V1Alpha1LxcContainer container, string field) =>
        container.Status?.Drift?.FirstOrDefault(d => d.Field == field) is { } entry ? $"{entry.Desired} <- {entry.Actual}" : null;

    /// <summary>The CT's config in effect (the main section), as PVE would answer GET config?current=1.</summary>
    public static string? Current(PveSimulatorServer simulator, int vmid, string key) => simulator.Cluster.CurrentConfig(vmid)?.GetValueOrDefault(key);

    /// <summary>A netN option as the CT's config in effect has it.</summary>
    public static string? NetOption(PveSimulatorServer simulator, int vmid, string netKey, string option) =>
        Current(simulator, vmid, netKey)?.Split(',').Select(p => p.Split('=', 2)).FirstOrDefault(p => p.Length == 2 && p[0] == option)?[1];

    /// <summary>The config writes the simulator served: PUT config, PUT resize, POST migrate.</summary>
    public static (long Config, long Resize, long Migrate) ConfigWrites(PveSimulatorServer simulator) =>
        (simulator.Counters.Get(PutConfig), simulator.Counters.Get(PutResize), simulator.Counters.Get(PostMigrate));

    /// <summary>
    /// Changes a CT's config behind the operator's back through the simulator's admin API (POST
    /// /_sim/containers/{vmid}/config), as a user of the PVE GUI would: the digest changes, PVE's sizes follow.
    /// </summary>
    public static async Task AdminEditAsync(PveSimulatorServer simulator, int vmid, IReadOnlyDictionary<string, object?> changes)
    {
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
                certificate is not null && Convert.ToHexString(certificate.GetCertHash(HashAlgorithmName.SHA256))
                    .Equals(simulator.CertificateFingerprint.Replace(":", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase),
        };
        using var client = new HttpClient(handler) { BaseAddress = simulator.BaseUrl };
        using var response = await client.PostAsJsonAsync($"/_sim/containers/{Int(vmid)}/config", changes);
        response.EnsureSuccessStatusCode();
    }

    public static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A plain existing CT with one interface and a 8 GiB rootfs, as someone made it by hand.</summary>
    public static SimContainer Existing(int vmid, bool running, string node = "pve1", string? description = null) => HandMadeContainer(vmid, node, running, description);
}
