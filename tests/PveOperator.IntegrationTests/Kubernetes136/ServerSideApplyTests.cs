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
