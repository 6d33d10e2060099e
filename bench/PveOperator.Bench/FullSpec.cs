using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PveSimulator;

namespace PveOperator.Bench;

/// <summary>
/// The configuration every bench container declares (issue 11, configuration as code) and the same configuration in
/// the simulator's container, so that a converged container is in sync and steady state measures a full spec's cost:
/// hostname, resources (cores, cpuUnits, memory, swap), rootfs size, one interface (bridge, DHCP, firewall, MAC
/// address), tags, description, onBoot and features. Left out: mount points, dns and startup (no key in a plain CT).
/// </summary>
internal static class FullSpec
{
    public const int Cores = 1;
    public const int CpuUnits = 200;
    public const int MemoryMb = 512;
    public const int SwapMb = 512;
    public const int RootfsGb = 8;
    public const string Description = "pve-operator bench container";
    public static readonly string[] Tags = ["bench", "web"];

    /// <summary>eth0's MAC address, one per index (BC:24:11 is PVE's prefix).</summary>
    public static string Hwaddr(int index) =>
        string.Create(CultureInfo.InvariantCulture, $"BC:24:11:{index >> 16 & 0xFF:X2}:{index >> 8 & 0xFF:X2}:{index & 0xFF:X2}");

    /// <summary>The net0 line the simulator's container carries: the minimal bench's, plus firewall=1 with a full spec.</summary>
    public static string Net0(int index, bool full) =>
        full ? $"name=eth0,bridge=vmbr0,firewall=1,hwaddr={Hwaddr(index)},ip=dhcp,type=veth" : $"name=eth0,bridge=vmbr0,hwaddr={Hwaddr(index)},ip=dhcp,type=veth";

    /// <summary>Sets the typed part of the configuration on a container about to be added (the rest: <see cref="WriteUntypedKeysAsync"/>).</summary>
    public static void Apply(SimContainer container)
    {
        container.Cores = Cores;
        container.MemoryMb = MemoryMb;
        container.SwapMb = SwapMb;
        container.RootfsGb = RootfsGb;
        container.Tags = string.Join(';', Tags);
        container.Description = Description;
    }

    /// <summary>
    /// The keys <see cref="SimContainer"/> has no property for (onboot, cpuunits), written through the simulator's
    /// admin endpoint (a config edit behind the API's back, no request counted), parallelism requests at a time.
    /// </summary>
    public static async Task WriteUntypedKeysAsync(HttpClient admin, IEnumerable<int> vmids, int parallelism, CancellationToken cancellationToken)
    {
        var keys = new Dictionary<string, string> { ["onboot"] = "1", ["cpuunits"] = CpuUnits.ToString(CultureInfo.InvariantCulture) };
        await Parallel.ForEachAsync(vmids, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken }, async (vmid, token) =>
        {
            using var response = await admin.PostAsJsonAsync(new Uri($"/_sim/containers/{vmid}/config", UriKind.Relative), keys, token);
            response.EnsureSuccessStatusCode();
        });
    }

    /// <summary>A memory size in MiB as the spec writes it (Gi when whole).</summary>
    public static string Quantity(int mebibytes) =>
        mebibytes % 1024 == 0 ? string.Create(CultureInfo.InvariantCulture, $"{mebibytes / 1024}Gi") : string.Create(CultureInfo.InvariantCulture, $"{mebibytes}Mi");

    /// <summary>Adds the configuration fields to an LxcContainer's spec.</summary>
    public static void AddTo(JsonObject spec, string hostname, int index)
    {
        spec["hostname"] = hostname;
        spec["resources"] = new JsonObject
        {
            ["cores"] = Cores,
            ["cpuUnits"] = CpuUnits,
            ["memory"] = Quantity(MemoryMb),
            ["swap"] = Quantity(SwapMb),
        };
        spec["rootfs"] = new JsonObject { ["size"] = $"{RootfsGb}Gi" };
        spec["network"] = new JsonArray(new JsonObject
        {
            ["name"] = "eth0",
            ["bridge"] = "vmbr0",
            ["ipv4"] = new JsonObject { ["dhcp"] = true },
            ["firewall"] = true,
            ["hwaddr"] = Hwaddr(index),
        });
        spec["tags"] = new JsonArray([.. Tags.Select(t => (JsonNode)t)]);
        spec["description"] = Description;
        spec["onBoot"] = true;
        spec["features"] = new JsonObject { ["nesting"] = true };
    }
}
