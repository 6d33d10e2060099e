using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using PveOperator.Entities;

namespace PveOperator.IntegrationTests.Kubernetes136;

/// <summary>
/// Every CEL rule of the shipped CRDs on a real 1.36 server, both ways: what it refuses (with the message a person
/// reads in kubectl or Argo CD) and the neighbouring change it must still accept.
/// </summary>
[Collection(Kubernetes136Collection.Name)]
public sealed class CelRuleTests(Kubernetes136Fixture server)
{
    private const string Namespace = "default";
    private const string CaBundle = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ==\n-----END CERTIFICATE-----\n";
    private static readonly string Fingerprint = string.Join(':', Enumerable.Repeat("AB", 32));

    private static readonly Dictionary<string, CelRuleCase> Cases = new(StringComparer.Ordinal)
    {
        ["vmid changed"] = new("lxccontainers", Container(), Json("""{"spec":{"vmid":101}}"""), "vmid cannot be changed"),
        ["vmid kept, powerState changed"] = new("lxccontainers", Container(), Json("""{"spec":{"powerState":"Stopped"}}"""), null),
        ["providerRef changed"] = new("lxccontainers", Container(), Json("""{"spec":{"providerRef":{"name":"other"}}}"""), "providerRef cannot be changed"),
        ["providerRef kept, deletionPolicy changed"] = new("lxccontainers", Container(),
            Json("""{"spec":{"providerRef":{"name":"lab"},"deletionPolicy":"Stop"}}"""), null),
        ["create without vmid"] = new("lxccontainers", Creating(vmid: false), null, null),
        ["neither vmid nor create"] = new("lxccontainers", Json("""{"providerRef":{"name":"lab"}}"""), null, "spec.vmid: Required value"),
        ["create with both template and clone"] = new("lxccontainers",
            Json(T("""{"providerRef":{"name":"lab"},"create":{"template":"TEMPLATE","storage":"local-lvm","clone":{"vmid":9000}}}""")), null,
            "create needs exactly one of template (an ostemplate volume) and clone (a container to copy)"),
        ["create from a template without storage"] = new("lxccontainers", Json(T("""{"providerRef":{"name":"lab"},"create":{"template":"TEMPLATE"}}""")), null,
            "create.storage is required with create.template"),
        ["clone with template-only fields"] = new("lxccontainers", Json("""{"providerRef":{"name":"lab"},"create":{"clone":{"vmid":9000},"rootfsSize":"8Gi"}}"""), null,
            "apply to create.template only"),
        ["clone alone"] = new("lxccontainers", Json("""{"providerRef":{"name":"lab"},"create":{"clone":{"vmid":9000,"full":false}}}"""), null, null),
        ["create changed"] = new("lxccontainers", Creating(vmid: true), Json("""{"spec":{"create":{"storage":"other"}}}"""), "create cannot be changed after the resource was created"),
        ["create removed"] = new("lxccontainers", Creating(vmid: true), Json("""{"spec":{"create":null}}"""), "create cannot be added or removed"),
        ["create added"] = new("lxccontainers", Container(), Json(T("""{"spec":{"create":{"template":"TEMPLATE","storage":"local-lvm"}}}""")), "create cannot be added or removed"),
        ["vmid removed"] = new("lxccontainers", Creating(vmid: true), Json("""{"spec":{"vmid":null}}"""), "vmid cannot be removed once set"),
        ["vmid set on a created container"] = new("lxccontainers", Creating(vmid: false), Json("""{"spec":{"vmid":10001}}"""), null),
        ["rootfs grown"] = new("lxccontainers", With("""{"rootfs":{"size":"8Gi"}}"""), Json("""{"spec":{"rootfs":{"size":"16Gi"}}}"""), null),
        ["rootfs grown from Gi to Ti"] = new("lxccontainers", With("""{"rootfs":{"size":"512Gi"}}"""), Json("""{"spec":{"rootfs":{"size":"1Ti"}}}"""), null),
        ["rootfs shrunk"] = new("lxccontainers", With("""{"rootfs":{"size":"16Gi"}}"""), Json("""{"spec":{"rootfs":{"size":"8Gi"}}}"""), "rootfs.size cannot shrink"),
        ["rootfs shrunk from Ti to Gi"] = new("lxccontainers", With("""{"rootfs":{"size":"1Ti"}}"""), Json("""{"spec":{"rootfs":{"size":"1000Gi"}}}"""), "rootfs.size cannot shrink"),
        ["mount point grown"] = new("lxccontainers", With(MountPoint("32Gi")), Json($$"""{"spec":{{MountPoint("64Gi")}}}"""), null),
        ["mount point shrunk"] = new("lxccontainers", With(MountPoint("32Gi")), Json($$"""{"spec":{{MountPoint("16Gi")}}}"""), "a mount point's size cannot shrink"),
        ["ipv4 with dhcp and an address"] = new("lxccontainers", With("""{"network":[{"name":"eth0","ipv4":{"dhcp":true,"address":"10.0.0.5/24"}}]}"""), null,
            "ipv4 takes either dhcp: true or an address"),
        ["ipv4 gateway without an address"] = new("lxccontainers", With("""{"network":[{"name":"eth0","ipv4":{"dhcp":true,"gateway":"10.0.0.1"}}]}"""), null,
            "ipv4.gateway needs ipv4.address"),
        ["ipv4 address and gateway"] = new("lxccontainers", With("""{"network":[{"name":"eth0","ipv4":{"address":"10.0.0.5/24","gateway":"10.0.0.1"}}]}"""), null, null),
        ["ipv6 with auto and dhcp"] = new("lxccontainers", With("""{"network":[{"name":"eth0","ipv6":{"auto":true,"dhcp":true}}]}"""), null,
            "ipv6 takes one of auto: true, dhcp: true and an address"),
        ["the same interface twice"] = new("lxccontainers", With("""{"network":[{"name":"eth0"},{"name":"eth0","bridge":"vmbr1"}]}"""), null, "Duplicate value"),
        ["vmidRange upside down"] = new("proxmoxproviders", ProviderWith(new JsonObject { ["min"] = 20000, ["max"] = 10000 }), null, "vmidRange.min must not be above vmidRange.max"),
        ["vmidRange"] = new("proxmoxproviders", ProviderWith(new JsonObject { ["min"] = 10000, ["max"] = 19999 }), null, null),
        ["tls: insecureSkipVerify and fingerprint"] = new("proxmoxproviders",
            Provider(new JsonObject { ["insecureSkipVerify"] = true, ["fingerprint"] = Fingerprint }), null, "set at most one of insecureSkipVerify, caBundle and fingerprint"),
        ["tls: caBundle and fingerprint"] = new("proxmoxproviders",
            Provider(new JsonObject { ["caBundle"] = CaBundle, ["fingerprint"] = Fingerprint }), null, "set at most one of insecureSkipVerify, caBundle and fingerprint"),
        ["tls: fingerprint alone"] = new("proxmoxproviders", Provider(new JsonObject { ["fingerprint"] = Fingerprint }), null, null),
        ["tls: insecureSkipVerify false and fingerprint"] = new("proxmoxproviders",
            Provider(new JsonObject { ["insecureSkipVerify"] = false, ["fingerprint"] = Fingerprint }), null, null),
        ["tls: caBundle added to a fingerprint"] = new("proxmoxproviders", Provider(new JsonObject { ["fingerprint"] = Fingerprint }),
            TlsPatch(new JsonObject { ["caBundle"] = CaBundle }), "set at most one of insecureSkipVerify, caBundle and fingerprint"),
        ["tls: fingerprint replaced by caBundle"] = new("proxmoxproviders", Provider(new JsonObject { ["fingerprint"] = Fingerprint }),
            TlsPatch(new JsonObject { ["fingerprint"] = null, ["caBundle"] = CaBundle }), null),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Kubernetes136Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Rule_table(string caseName)
    {
        var rule = Cases[caseName];
        var name = $"cel-{Guid.NewGuid():N}"[..20];
        var body = new JsonObject
        {
            ["apiVersion"] = ApiGroup.GroupVersion,
            ["kind"] = rule.Kind,
            ["metadata"] = new JsonObject { ["name"] = name },
            ["spec"] = rule.Spec.DeepClone(),
        };

        var createRefused = rule.Patch is null ? rule.RefusedWith : null;
        var created = await RefusalOfAsync(() => CreateAsync(rule, body));
        AssertOutcome(createRefused, created, $"{caseName}: create");
        if (rule.Patch is null)
        {
            return;
        }

        var before = await ReadSpecAsync(rule, name);
        var patched = await RefusalOfAsync(() => PatchAsync(rule, name, rule.Patch));
        AssertOutcome(rule.RefusedWith, patched, $"{caseName}: update");
        if (rule.RefusedWith is not null)
        {
            Assert.True(JsonNode.DeepEquals(before, await ReadSpecAsync(rule, name)), $"{caseName}: a refused update changed the object");
        }
    }

    private static void AssertOutcome(string? refusedWith, HttpOperationException? refusal, string step)
    {
        if (refusedWith is null)
        {
            Assert.True(refusal is null, $"{step} should be accepted, was refused: {refusal?.Response.Content}");
            return;
        }

        Assert.True(refusal is not null, $"{step} should be refused with \"{refusedWith}\", was accepted");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refusal.Response.StatusCode);
        var message = JsonNode.Parse(refusal.Response.Content)!["message"]!.GetValue<string>();
        Assert.True(message.Contains(refusedWith, StringComparison.Ordinal), $"{step}: \"{refusedWith}\" not in: {message}");
    }

    private static async Task<HttpOperationException?> RefusalOfAsync(Func<Task> action)
    {
        try
        {
            await action();
            return null;
        }
        catch (HttpOperationException error) when (error.Response.StatusCode == HttpStatusCode.UnprocessableEntity)
        {
            return error;
        }
    }

    private Task CreateAsync(CelRuleCase rule, JsonObject body) => rule.ClusterScoped
        ? server.Client.CustomObjects.CreateClusterCustomObjectAsync(body, ApiGroup.Group, ApiGroup.Version, rule.Plural)
        : server.Client.CustomObjects.CreateNamespacedCustomObjectAsync(body, ApiGroup.Group, ApiGroup.Version, Namespace, rule.Plural);

    private Task PatchAsync(CelRuleCase rule, string name, JsonObject patch)
    {
        var body = new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch);
        return rule.ClusterScoped
            ? server.Client.CustomObjects.PatchClusterCustomObjectAsync(body, ApiGroup.Group, ApiGroup.Version, rule.Plural, name)
            : server.Client.CustomObjects.PatchNamespacedCustomObjectAsync(body, ApiGroup.Group, ApiGroup.Version, Namespace, rule.Plural, name);
    }

    private async Task<JsonNode?> ReadSpecAsync(CelRuleCase rule, string name)
    {
        var stored = rule.ClusterScoped
            ? await server.Client.CustomObjects.GetClusterCustomObjectAsync(ApiGroup.Group, ApiGroup.Version, rule.Plural, name)
            : await server.Client.CustomObjects.GetNamespacedCustomObjectAsync(ApiGroup.Group, ApiGroup.Version, Namespace, rule.Plural, name);
        return JsonNode.Parse(KubernetesJson.Serialize(stored))!["spec"];
    }

    private const string Template = "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst";

    private static JsonObject Container() => Json("""{"providerRef":{"name":"lab"},"vmid":100}""");

    /// <summary>An adopted container's spec with these fields (a JSON object's members) added.</summary>
    private static JsonObject With(string fields)
    {
        var spec = Container();
        foreach (var (key, value) in Json(fields))
        {
            spec[key] = value?.DeepClone();
        }

        return spec;
    }

    private static string MountPoint(string size) => $$"""{"mountPoints":[{"name":"mp0","storage":"local-lvm","size":"{{size}}","path":"/data"}]}""";

    /// <summary>JSON text with TEMPLATE standing for the template volume.</summary>
    private static string T(string json) => json.Replace("TEMPLATE", Template, StringComparison.Ordinal);

    private static JsonObject Creating(bool vmid) => Json(vmid
        ? T("""{"providerRef":{"name":"lab"},"vmid":10001,"create":{"template":"TEMPLATE","storage":"local-lvm"}}""")
        : T("""{"providerRef":{"name":"lab"},"create":{"template":"TEMPLATE","storage":"local-lvm"}}"""));

    private static JsonObject ProviderWith(JsonObject vmidRange)
    {
        var provider = Provider(new JsonObject { ["fingerprint"] = Fingerprint });
        provider["vmidRange"] = vmidRange;
        return provider;
    }

    private static JsonObject Provider(JsonObject tls) => new()
    {
        ["url"] = "https://pve.example.com:8006",
        ["tokenId"] = "operator@pve!k8s",
        ["secretRef"] = new JsonObject { ["namespace"] = "pve-system", ["name"] = "pve-token" },
        ["tls"] = tls,
    };

    private static JsonObject TlsPatch(JsonObject tls) => new() { ["spec"] = new JsonObject { ["tls"] = tls } };

    private static JsonObject Json(string text) => JsonNode.Parse(text)!.AsObject();
}
