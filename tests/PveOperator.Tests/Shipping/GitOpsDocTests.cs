using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using k8s.Models;
using KeraLua;
using PveOperator.Controllers;
using PveOperator.Entities;

namespace PveOperator.Tests.Shipping;

/// <summary>
/// Runs the Argo CD health checks exactly as docs/gitops.md gives them (its argocd-cm block) on resources in the
/// states the operator writes. Argo CD runs them in gopher-lua (Lua 5.1); they use nothing that differs in 5.4.
/// </summary>
public sealed partial class GitOpsDocTests
{
    private static readonly V1ConfigMap ArgoCdConfig = LoadArgoCdConfig();

    public static TheoryData<string> Kinds => new("ProxmoxProvider", "LxcContainer");

    [Theory]
    [MemberData(nameof(Kinds))]
    public void No_status_yet_is_progressing(string kind)
    {
        Assert.Equal("Progressing", Health(kind, Resource(generation: 1, observedGeneration: null)).Status);
    }

    [Fact]
    public void Ready_for_the_current_generation_is_healthy()
    {
        var health = Health("LxcContainer", Resource(2, 2, (ConditionTypes.Ready, "True", Reasons.Running, "CT 101 is running on pve1", 2)));
        Assert.Equal(("Healthy", "Running: CT 101 is running on pve1"), (health.Status, health.Message));
        Assert.Equal("Healthy", Health("ProxmoxProvider", Resource(1, 1, (ConditionTypes.Ready, "True", Reasons.Connected, "connected", 1))).Status);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_status_about_an_older_generation_is_progressing_even_when_it_said_ready(string kind)
    {
        Assert.Equal("Progressing", Health(kind, Resource(3, 2, (ConditionTypes.Ready, "True", Reasons.Running, "", 2))).Status);
        Assert.Equal("Progressing", Health(kind, Resource(3, 3, (ConditionTypes.Ready, "True", Reasons.Running, "", 2))).Status);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Stalled_is_degraded_with_the_reason(string kind)
    {
        var health = Health(kind, Resource(1, 1,
            (ConditionTypes.Ready, "False", Reasons.PermissionDenied, "lacks VM.PowerMgmt", 1),
            (ConditionTypes.Stalled, "True", Reasons.PermissionDenied, "lacks VM.PowerMgmt", 1)));
        Assert.Equal(("Degraded", "PermissionDenied: lacks VM.PowerMgmt"), (health.Status, health.Message));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Reconciling_is_progressing_with_the_reason(string kind)
    {
        var health = Health(kind, Resource(1, 1,
            (ConditionTypes.Ready, "False", Reasons.Starting, "starting CT 101", 1),
            (ConditionTypes.Reconciling, "True", Reasons.Starting, "starting CT 101", 1)));
        Assert.Equal(("Progressing", "Starting: starting CT 101"), (health.Status, health.Message));
    }

    [Fact]
    public void Both_kinds_have_a_check_under_argo_cds_key_format()
    {
        Assert.Equal(2, ArgoCdConfig.Data.Keys.Count(k => k.StartsWith("resource.customizations.health.", StringComparison.Ordinal)));
        Assert.Equal(ArgoCdConfig.Data[Key("ProxmoxProvider")], ArgoCdConfig.Data[Key("LxcContainer")]);
    }

    private static string Key(string kind) => $"resource.customizations.health.{ApiGroup.Group}_{kind}";

    private static JsonObject Resource(long generation, long? observedGeneration, params (string Type, string Status, string Reason, string Message, long Generation)[] conditions)
    {
        var resource = new JsonObject { ["metadata"] = new JsonObject { ["name"] = "x", ["generation"] = generation } };
        if (observedGeneration is not null || conditions.Length > 0)
        {
            resource["status"] = new JsonObject
            {
                ["observedGeneration"] = observedGeneration,
                ["conditions"] = new JsonArray([.. conditions.Select(c => (JsonNode)new JsonObject
                {
                    ["type"] = c.Type, ["status"] = c.Status, ["reason"] = c.Reason, ["message"] = c.Message,
                    ["observedGeneration"] = c.Generation, ["lastTransitionTime"] = "2026-01-01T00:00:00Z",
                })]),
            };
        }

        return resource;
    }

    private static (string Status, string Message) Health(string kind, JsonObject resource)
    {
        using var lua = new Lua();
        Push(lua, JsonNode.Parse(resource.ToJsonString())); // as the API server sends it
        lua.SetGlobal("obj");
        Assert.Equal(LuaStatus.OK, lua.LoadString(ArgoCdConfig.Data[Key(kind)]));
        var status = lua.PCall(0, 1, 0);
        Assert.True(status == LuaStatus.OK, lua.ToString(-1));
        Assert.True(lua.IsTable(-1), "the health check returns a table");
        lua.GetField(-1, "status");
        var health = lua.ToString(-1);
        lua.Pop(1);
        lua.GetField(-1, "message");
        var message = lua.ToString(-1);
        Assert.Contains(health, new[] { "Healthy", "Progressing", "Degraded", "Suspended", "Missing", "Unknown" });
        return (health, message);
    }

    private static void Push(Lua lua, JsonNode? node)
    {
        switch (node)
        {
            case null:
                lua.PushNil();
                break;
            case JsonObject obj:
                lua.NewTable();
                foreach (var (name, child) in obj)
                {
                    if (child is not null)
                    {
                        Push(lua, child);
                        lua.SetField(-2, name);
                    }
                }

                break;
            case JsonArray array:
                lua.NewTable();
                for (var i = 0; i < array.Count; i++)
                {
                    Push(lua, array[i]);
                    lua.RawSetInteger(-2, i + 1);
                }

                break;
            default:
                var value = node.AsValue();
                switch (value.GetValueKind())
                {
                    case System.Text.Json.JsonValueKind.True:
                    case System.Text.Json.JsonValueKind.False:
                        lua.PushBoolean(value.GetValue<bool>());
                        break;
                    case System.Text.Json.JsonValueKind.Number:
                        lua.PushNumber(value.GetValue<double>()); // JSON numbers are floats in gopher-lua too
                        break;
                    default:
                        lua.PushString(value.GetValue<string>());
                        break;
                }

                break;
        }
    }

    private static V1ConfigMap LoadArgoCdConfig()
    {
        var doc = File.ReadAllText(Path.Combine(Manifests.RepositoryRoot(), "docs", "gitops.md"));
        var block = YamlBlock().Matches(doc).Select(m => m.Groups[1].Value).Single(b => b.Contains("name: argocd-cm", StringComparison.Ordinal));
        return Manifests.Parse(block, "docs/gitops.md").Single("ConfigMap").As<V1ConfigMap>();
    }

    [GeneratedRegex(@"```yaml\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex YamlBlock();
}
