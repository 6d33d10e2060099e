using k8s;
using k8s.Models;
using PveOperator.Controllers;
using PveOperator.Entities;
using PveOperator.IntegrationTests.Operator;
using PveSimulator;

namespace PveOperator.IntegrationTests.Lifecycle;

/// <summary>What the lifecycle tests share: simulator settings, resources with a create section, condition waits, PVE-side checks.</summary>
internal static class LifecycleKit
{
    public const string DebianTemplate = "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst";
    public const string DhcpNetwork = "10.20.0.0/16";

    /// <summary>Short tasks, a quick resources refresh, and a DHCP server so created and cloned CTs get addresses.</summary>
    public static SimulatorOptions Options(TimeSpan? taskDuration = null) => new()
    {
        TaskDuration = taskDuration ?? TimeSpan.FromMilliseconds(200),
        ResourcesRefreshInterval = TimeSpan.FromMilliseconds(500),
        DhcpNetwork = DhcpNetwork,
    };

    /// <summary>create.template on local-lvm, with whatever else the test sets.</summary>
    public static Action<LxcContainerSpec> FromTemplate(string template = DebianTemplate, string storage = "local-lvm", Action<LxcContainerSpec>? more = null) =>
        spec =>
        {
            spec.Create = new ContainerCreateSpec { Template = template, Storage = storage };
            more?.Invoke(spec);
        };

    /// <summary>An LxcContainer without a vmid unless the test sets one; powerState Running unless it says otherwise.</summary>
    public static async Task<string> CreateResourceAsync(
        OperatorHarness harness, string provider, string name, Action<LxcContainerSpec> customize, IDictionary<string, string>? annotations = null)
    {
        var container = new V1Alpha1LxcContainer
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = harness.Namespace, Annotations = annotations },
            Spec = new LxcContainerSpec { ProviderRef = new ProviderReference { Name = provider }, PowerState = PowerState.Running },
        };
        customize(container.Spec);
        await harness.Kube.CustomObjects.CreateNamespacedCustomObjectAsync(container, ApiGroup.Group, ApiGroup.Version, harness.Namespace, "lxccontainers");
        return name;
    }

    /// <summary>Sets (value) or removes (null) one annotation with a JSON merge patch.</summary>
    public static Task AnnotateAsync(OperatorHarness harness, string name, string key, string? value) =>
        harness.Kube.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch(KubernetesJson.Serialize(new { metadata = new { annotations = new Dictionary<string, string?> { [key] = value } } }), V1Patch.PatchType.MergePatch),
            ApiGroup.Group, ApiGroup.Version, harness.Namespace, "lxccontainers", name);

    public static V1Condition? Condition(V1Alpha1LxcContainer container, string type) => ConditionList.Find(container.Status?.Conditions, type);

    /// <summary>Waits until the resource is Stalled with this reason on Ready (Ready=False, Stalled=True).</summary>
    public static Task<V1Alpha1LxcContainer> WaitForStalledAsync(OperatorHarness harness, string name, string reason, TimeSpan? timeout = null) =>
        harness.WaitForContainerAsync(name, c =>
            Condition(c, ConditionTypes.Ready) is { Status: "False" } ready && ready.Reason == reason
            && Condition(c, ConditionTypes.Stalled) is { Status: "True" },
            $"{name} is Ready=False ({reason}) and Stalled=True", timeout);

    /// <summary>The owner mark of a resource as the contract spells it.</summary>
    public static string OwnerMark(V1Alpha1LxcContainer resource) =>
        $"pve-operator.io/owner={resource.Metadata.NamespaceProperty}/{resource.Metadata.Name} uid={resource.Metadata.Uid}";

    /// <summary>Every write request (POST, PUT, DELETE) the simulator served, by endpoint template.</summary>
    public static IReadOnlyDictionary<string, long> Writes(PveSimulatorServer simulator) =>
        simulator.Counters.Snapshot()
            .Where(pair => pair.Key.StartsWith("POST ", StringComparison.Ordinal) || pair.Key.StartsWith("PUT ", StringComparison.Ordinal)
                || pair.Key.StartsWith("DELETE ", StringComparison.Ordinal))
            .ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);

    public static string Describe(IReadOnlyDictionary<string, long> counts) =>
        counts.Count == 0 ? "none" : string.Join(", ", counts.Select(pair => $"{pair.Key}={pair.Value}"));

    /// <summary>A template CT as `pct template` leaves it: base volume on LVM-thin, template: 1, stopped, one dhcp interface.</summary>
    public static SimContainer TemplateContainer(int vmid, string node, string description = "Debian 12 golden image") => new()
    {
        Vmid = vmid,
        Node = node,
        Name = $"tmpl-{vmid}",
        Template = true,
        Rootfs = $"local-lvm:base-{vmid}-disk-0,size=8G",
        Description = description,
        Net = { ["net0"] = $"name=eth0,bridge=vmbr0,hwaddr=BC:24:11:{vmid / 100 % 100:D2}:{vmid % 100:D2}:01,ip=dhcp,type=veth" },
    };

    /// <summary>An existing CT someone made by hand: a static address, a description of its own.</summary>
    public static SimContainer HandMadeContainer(int vmid, string node, bool running, string? description = null) => new()
    {
        Vmid = vmid,
        Node = node,
        Name = $"hand{vmid}",
        Running = running,
        Description = description,
        Net = { ["net0"] = $"name=eth0,bridge=vmbr0,hwaddr=BC:24:11:00:{vmid % 100:D2}:02,ip=192.168.7.{vmid % 200}/24,type=veth" },
    };

    /// <summary>True when the status lists an IPv4 address from the simulated DHCP network.</summary>
    public static bool HasDhcpAddress(V1Alpha1LxcContainer container) =>
        container.Status?.IpAddresses?.Any(a => a.StartsWith("10.20.", StringComparison.Ordinal)) == true;

    public static async Task<IReadOnlyList<Corev1Event>> EventsAsync(OperatorHarness harness, string name, string type, string reason) =>
        (await harness.EventsForAsync(name)).Where(e => e.Type == type && e.Reason == reason).ToList();

    /// <summary>Waits until an event of this type and reason about the resource exists; returns it.</summary>
    public static async Task<Corev1Event> WaitForEventAsync(OperatorHarness harness, string name, string type, string reason, TimeSpan? timeout = null)
    {
        IReadOnlyList<Corev1Event> all = [];
        await Eventually.TrueAsync(async () => (all = await harness.EventsForAsync(name)).Any(e => e.Type == type && e.Reason == reason),
            () => $"a {type} event {reason} about {name} (events seen: {(all.Count == 0 ? "none" : string.Join("; ", all.Select(e => $"{e.Type} {e.Reason}: {e.Message}")))})",
            timeout ?? TimeSpan.FromSeconds(30));
        return all.First(e => e.Type == type && e.Reason == reason);
    }

    /// <summary>Waits until the resource is gone from the API server (its finalizer released).</summary>
    public static Task WaitGoneAsync(OperatorHarness harness, string name, TimeSpan? timeout = null) =>
        Eventually.TrueAsync(async () => !await harness.ContainerExistsAsync(name), $"{name} is gone from the API server", timeout ?? TimeSpan.FromSeconds(30));

    public static string Reason(V1Alpha1LxcContainer container) => Condition(container, ConditionTypes.Ready)?.Reason ?? "(no Ready)";

    public static bool IsReadyRunning(V1Alpha1LxcContainer container) =>
        Condition(container, ConditionTypes.Ready) is { Status: "True", Reason: Reasons.Running } ready && ready.ObservedGeneration == container.Metadata.Generation;
}
