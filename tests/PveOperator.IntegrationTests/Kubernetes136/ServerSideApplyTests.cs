using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using PveOperator.Entities;

namespace PveOperator.IntegrationTests.Kubernetes136;

/// <summary>
/// Server-side apply by two field managers on a keyed list (x-kubernetes-list-type: map): each owns its own items and
/// a re-apply by one leaves the other's alone. An atomic list would be replaced as a whole by the last applier.
/// </summary>
[Collection(Kubernetes136Collection.Name)]
public sealed class ServerSideApplyTests(Kubernetes136Fixture server)
{
    private const string Namespace = "default";

    [Kubernetes136Fact]
    public async Task Two_field_managers_each_keep_their_own_conditions()
    {
        var name = $"ssa-{Guid.NewGuid():N}"[..20];
        await server.Client.CustomObjects.CreateNamespacedCustomObjectAsync(new JsonObject
        {
            ["apiVersion"] = ApiGroup.GroupVersion,
            ["kind"] = V1Alpha1LxcContainer.EntityKind,
            ["metadata"] = new JsonObject { ["name"] = name },
            ["spec"] = JsonNode.Parse("""{"providerRef":{"name":"lab"},"vmid":100}"""),
        }, ApiGroup.Group, ApiGroup.Version, Namespace, "lxccontainers");

        await ApplyStatusAsync(name, "pve-operator", Condition("Ready", "False", "Starting"));
        await ApplyStatusAsync(name, "health-probe", Condition("Reachable", "True", "PingOk"));
        await ApplyStatusAsync(name, "pve-operator", Condition("Ready", "True", "Running"));

        var conditions = (await ReadAsync(name))["status"]!["conditions"]!.AsArray()
            .ToDictionary(c => c!["type"]!.GetValue<string>(), c => c!["reason"]!.GetValue<string>());
        Assert.Equal(new Dictionary<string, string> { ["Ready"] = "Running", ["Reachable"] = "PingOk" }, conditions);
    }

    [Kubernetes136Fact]
    public async Task A_GitOps_tool_and_a_person_each_keep_their_own_interfaces_mount_points_and_tags()
    {
        var name = $"ssa-{Guid.NewGuid():N}"[..20];
        await ApplySpecAsync(name, "flux", """
            {"providerRef":{"name":"lab"},"vmid":100,
             "network":[{"name":"eth0","bridge":"vmbr0","ipv4":{"dhcp":true}}],
             "mountPoints":[{"name":"mp0","storage":"local-lvm","size":"8Gi","path":"/data"}],
             "tags":["web"]}
            """);
        // Someone adds a debug interface, a scratch volume and a tag with kubectl apply --server-side.
        await ApplySpecAsync(name, "kubectl", """
            {"network":[{"name":"eth1","bridge":"vmbr1"}],
             "mountPoints":[{"name":"mp1","storage":"local-lvm","size":"4Gi","path":"/scratch"}],
             "tags":["debug"]}
            """);
        // The GitOps tool applies its (changed) manifest again: its own items change, the person's stay.
        await ApplySpecAsync(name, "flux", """
            {"providerRef":{"name":"lab"},"vmid":100,
             "network":[{"name":"eth0","bridge":"vmbr2","ipv4":{"dhcp":true}}],
             "mountPoints":[{"name":"mp0","storage":"local-lvm","size":"16Gi","path":"/data"}],
             "tags":["web"]}
            """);

        var spec = (await ReadAsync(name))["spec"]!;
        Assert.Equal(new Dictionary<string, string> { ["eth0"] = "vmbr2", ["eth1"] = "vmbr1" },
            spec["network"]!.AsArray().ToDictionary(n => n!["name"]!.GetValue<string>(), n => n!["bridge"]!.GetValue<string>()));
        Assert.Equal(new Dictionary<string, string> { ["mp0"] = "16Gi", ["mp1"] = "4Gi" },
            spec["mountPoints"]!.AsArray().ToDictionary(m => m!["name"]!.GetValue<string>(), m => m!["size"]!.GetValue<string>()));
        Assert.Equal(["debug", "web"], spec["tags"]!.AsArray().Select(t => t!.GetValue<string>()).Order(StringComparer.Ordinal));
    }

    private Task ApplySpecAsync(string name, string fieldManager, string spec)
    {
        var body = new JsonObject
        {
            ["apiVersion"] = ApiGroup.GroupVersion,
            ["kind"] = V1Alpha1LxcContainer.EntityKind,
            ["metadata"] = new JsonObject { ["name"] = name },
            ["spec"] = JsonNode.Parse(spec),
        };
        return server.Client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch(body.ToJsonString(), V1Patch.PatchType.ApplyPatch), ApiGroup.Group, ApiGroup.Version, Namespace, "lxccontainers",
            name, fieldManager: fieldManager, force: true);
    }

    private Task ApplyStatusAsync(string name, string fieldManager, JsonObject condition)
    {
        var body = new JsonObject
        {
            ["apiVersion"] = ApiGroup.GroupVersion,
            ["kind"] = V1Alpha1LxcContainer.EntityKind,
            ["metadata"] = new JsonObject { ["name"] = name },
            ["status"] = new JsonObject { ["conditions"] = new JsonArray(condition) },
        };
        return server.Client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
            new V1Patch(body.ToJsonString(), V1Patch.PatchType.ApplyPatch), ApiGroup.Group, ApiGroup.Version, Namespace, "lxccontainers",
            name, fieldManager: fieldManager, force: true);
    }

    private async Task<JsonNode> ReadAsync(string name) => JsonNode.Parse(KubernetesJson.Serialize(
        await server.Client.CustomObjects.GetNamespacedCustomObjectAsync(ApiGroup.Group, ApiGroup.Version, Namespace, "lxccontainers", name)))!;

    private static JsonObject Condition(string type, string status, string reason) => new()
    {
        ["type"] = type,
        ["status"] = status,
        ["reason"] = reason,
        ["message"] = reason,
        ["lastTransitionTime"] = "2026-01-01T00:00:00Z",
    };
}
