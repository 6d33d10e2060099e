using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using PveOperator.Crds;
using PveOperator.Entities;

namespace PveOperator.IntegrationTests.Kubernetes136;

/// <summary>The shipped CRDs on a real 1.36 server: they install with their rules, default, and document every field.</summary>
[Collection(Kubernetes136Collection.Name)]
public sealed class ShippedCrdTests(Kubernetes136Fixture server)
{
    [Kubernetes136Fact]
    public async Task Server_is_1_36_and_keeps_the_rules_of_the_shipped_crds()
    {
        var version = JsonNode.Parse(await GetAsync("version"))!;
        Assert.Equal(("1", "36"), (version["major"]!.GetValue<string>(), version["minor"]!.GetValue<string>()));
        foreach (var type in CrdGenerator.EntityTypes)
        {
            var stored = await server.Client.ApiextensionsV1.ReadCustomResourceDefinitionAsync(
                CrdGenerator.Generate(type)["metadata"]!["name"]!.GetValue<string>());
            var storedSchema = JsonNode.Parse(KubernetesJson.Serialize(stored.Spec.Versions.Single().Schema.OpenAPIV3Schema))!;
            var rules = Walk(storedSchema).Count(node => node["x-kubernetes-validations"] is JsonArray);
            var generated = Walk(CrdGenerator.Generate(type)["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!)
                .Count(node => node["x-kubernetes-validations"] is JsonArray);
            Assert.True(generated > 0, $"{type.Name} has no CEL rules");
            Assert.Equal(generated, rules);
        }
    }

    [Kubernetes136Fact]
    public async Task Defaults_are_applied_to_omitted_fields()
    {
        var container = await server.Client.CustomObjects.CreateNamespacedCustomObjectAsync(
            Object("LxcContainer", """{"providerRef":{"name":"lab"},"vmid":100,"shutdown":{}}"""),
            ApiGroup.Group, ApiGroup.Version, "default", "lxccontainers");
        var spec = JsonNode.Parse(KubernetesJson.Serialize(container))!["spec"]!;
        Assert.Equal("Running", spec["powerState"]!.GetValue<string>());
        Assert.Equal("Orphan", spec["deletionPolicy"]!.GetValue<string>());
        Assert.Equal(60, spec["shutdown"]!["timeoutSeconds"]!.GetValue<int>());
        Assert.True(spec["shutdown"]!["forceStop"]!.GetValue<bool>());

        var provider = await server.Client.CustomObjects.CreateClusterCustomObjectAsync(
            Object("ProxmoxProvider", """{"url":"https://pve.example.com:8006","tokenId":"operator@pve!k8s","secretRef":{"namespace":"pve-system","name":"pve-token"}}"""),
            ApiGroup.Group, ApiGroup.Version, "proxmoxproviders");
        spec = JsonNode.Parse(KubernetesJson.Serialize(provider))!["spec"]!;
        Assert.Equal("30s", spec["syncInterval"]!.GetValue<string>());
        Assert.Equal("secret", spec["secretRef"]!["key"]!.GetValue<string>());
    }

    [Kubernetes136Fact]
    public async Task Explicit_nulls_in_a_manifest_are_dropped_and_defaulted()
    {
        // No field is nullable (issue 13: kubectl explain on OpenAPI v2); a templated manifest's nulls must still apply.
        var container = await server.Client.CustomObjects.CreateNamespacedCustomObjectAsync(
            Object("LxcContainer", """{"providerRef":{"name":"lab"},"vmid":100,"node":null,"powerState":null}"""),
            ApiGroup.Group, ApiGroup.Version, "default", "lxccontainers");
        var spec = JsonNode.Parse(KubernetesJson.Serialize(container))!["spec"]!.AsObject();
        Assert.False(spec.ContainsKey("node"));
        Assert.Equal("Running", spec["powerState"]!.GetValue<string>());
    }

    /// <remarks>
    /// A standalone apiextensions-apiserver does not publish CRDs in /openapi/v3 (its OpenAPI controllers run only
    /// beside a static /openapi/v2 spec, which only kube-apiserver's server chain has; checked on 1.36.4). So this
    /// test reads back the schema as the 1.36 server accepted and stores it, which is what kube-apiserver builds its
    /// OpenAPI v3 document from; the 1.20 tier checks the published /openapi/v2 (OpenApiV2Tests).
    /// </remarks>
    [Kubernetes136Fact]
    public async Task Stored_schema_keeps_every_field_with_its_type_description_and_list_keys()
    {
        foreach (var type in CrdGenerator.EntityTypes)
        {
            var crd = CrdGenerator.Generate(type);
            var stored = await server.Client.ApiextensionsV1.ReadCustomResourceDefinitionAsync(crd["metadata"]!["name"]!.GetValue<string>());
            var published = JsonNode.Parse(KubernetesJson.Serialize(stored.Spec.Versions.Single().Schema.OpenAPIV3Schema))!;
            var generated = crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!;
            var checkedFields = 0;
            foreach (var section in new[] { "spec", "status" })
            {
                Assert.Equal(generated["properties"]![section]!["description"]!.GetValue<string>(),
                    published["properties"]![section]!["description"]?.GetValue<string>());
                checkedFields += CompareFields(generated["properties"]![section]!, published["properties"]![section]!, $"{type.Name}.{section}");
            }

            Assert.True(checkedFields > 10, $"{type.Name}: only {checkedFields} fields compared");
        }
    }

    /// <summary>Every field of the generated schema is kept with the same type, description and list type; returns how many.</summary>
    private static int CompareFields(JsonNode generated, JsonNode published, string path)
    {
        var count = 0;
        if (generated["properties"] is JsonObject properties)
        {
            foreach (var (name, field) in properties)
            {
                var publishedField = published["properties"]?[name];
                Assert.True(publishedField is not null, $"{path}.{name} is missing from the stored schema");
                Assert.Equal(field!["type"]!.GetValue<string>(), publishedField["type"]?.GetValue<string>());
                Assert.Equal(field["description"]!.GetValue<string>(), publishedField["description"]?.GetValue<string>());
                Assert.Equal(field["x-kubernetes-list-type"]?.GetValue<string>(), publishedField["x-kubernetes-list-type"]?.GetValue<string>());
                count += 1 + CompareFields(field, publishedField, $"{path}.{name}");
            }
        }

        if (generated["items"] is JsonNode items)
        {
            count += CompareFields(items, published["items"]!, $"{path}[]");
        }

        return count;
    }

    private static JsonObject Object(string kind, string specJson) => new()
    {
        ["apiVersion"] = ApiGroup.GroupVersion,
        ["kind"] = kind,
        ["metadata"] = new JsonObject { ["name"] = $"crd-{Guid.NewGuid():N}"[..20] },
        ["spec"] = JsonNode.Parse(specJson),
    };

    private async Task<string> GetAsync(string relative)
    {
        using var response = await server.Client.HttpClient.GetAsync(new Uri(server.Client.BaseUri, relative));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET /{relative}: {(int)response.StatusCode} {text}");
        return text;
    }

    private static IEnumerable<JsonObject> Walk(JsonNode? node)
    {
        if (node is JsonObject obj)
        {
            yield return obj;
            foreach (var (_, child) in obj)
            {
                foreach (var inner in Walk(child))
                {
                    yield return inner;
                }
            }
        }
        else if (node is JsonArray array)
        {
            foreach (var inner in array.SelectMany(Walk))
            {
                yield return inner;
            }
        }
    }
}
