using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PveOperator.Crds;
using PveOperator.Entities;
using PveOperator.IntegrationTests.Infrastructure;
using PveOperator.IntegrationTests.Reliability;

namespace PveOperator.IntegrationTests.Shipping;

/// <summary>
/// What `kubectl explain` reads on servers that publish OpenAPI v2 (1.20 here): every field keeps its type and its
/// description. A nullable field would lose its type there and show as &lt;&gt; (issue 13).
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class OpenApiV2Tests(ControlPlaneFixture cluster)
{
    [Fact]
    public async Task Openapi_v2_shows_every_field_with_its_type_and_description()
    {
        await OperatorCrds.InstallAsync(cluster);
        var (code, text) = await Kubectl.RunAsync(cluster.KubeconfigPath, null, "get", "--raw", "/openapi/v2");
        Assert.True(code == 0, text);
        var definitions = JsonNode.Parse(text)!["definitions"]!;
        foreach (var type in CrdGenerator.EntityTypes)
        {
            var crd = CrdGenerator.Generate(type, CrdVariant.WithoutCelRules);
            var kind = crd["spec"]!["names"]!["kind"]!.GetValue<string>();
            // OpenAPI v2 names a definition by the reversed group: io.pve-operator.v1alpha1.Kind.
            var published = definitions[$"{string.Join('.', ApiGroup.Group.Split('.').Reverse())}.{ApiGroup.Version}.{kind}"]
                ?? throw new Xunit.Sdk.XunitException($"{kind} is not in /openapi/v2: {string.Join(", ", definitions.AsObject().Select(d => d.Key).Where(k => k.Contains("pve", StringComparison.Ordinal)))}");
            var generated = crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!;
            foreach (var section in new[] { "spec", "status" })
            {
                var fields = CompareFields(generated["properties"]![section]!, published["properties"]![section]!, $"{kind}.{section}");
                Assert.True(fields > 5, $"{kind}.{section}: only {fields} fields compared");
                Assert.Equal(generated["properties"]![section]!["description"]!.GetValue<string>(),
                    published["properties"]![section]!["description"]?.GetValue<string>());
            }
        }
    }

    [Fact]
    public async Task Kubectl_explain_prints_the_type_of_optional_fields_and_describes_spec()
    {
        await OperatorCrds.InstallAsync(cluster);
        var (code, text) = await Kubectl.RunAsync(cluster.KubeconfigPath, null, "explain", "lxccontainers.spec");
        Assert.True(code == 0, text);
        Assert.Matches(new Regex(@"^\s+node\s+<string>", RegexOptions.Multiline), text);
        Assert.Matches(new Regex(@"^\s+shutdown\s+<Object>", RegexOptions.Multiline), text);
        Assert.Contains("The container the operator manages", text, StringComparison.Ordinal);
        Assert.DoesNotContain("<>", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kubectl_explain_shows_each_network_field_with_its_type_and_description()
    {
        await OperatorCrds.InstallAsync(cluster);
        var (code, text) = await Kubectl.RunAsync(cluster.KubeconfigPath, null, "explain", "lxccontainers.spec.network");
        Assert.True(code == 0, text);
        foreach (var (field, type) in new[]
        {
            ("name", "string"), ("bridge", "string"), ("vlan", "integer"), ("ipv4", "Object"), ("ipv6", "Object"),
            ("firewall", "boolean"), ("mtu", "integer"), ("rateMBps", "integer"), ("hwaddr", "string"),
        })
        {
            Assert.Matches(new Regex($@"^\s+{field}\s+<{type}>", RegexOptions.Multiline), text);
        }

        Assert.Contains("Network interfaces, one per name", text, StringComparison.Ordinal);
        Assert.Contains("The host bridge, e.g. vmbr0", text, StringComparison.Ordinal);
        Assert.DoesNotContain("<>", text, StringComparison.Ordinal);
    }

    private static int CompareFields(JsonNode generated, JsonNode published, string path)
    {
        var count = 0;
        if (generated["properties"] is JsonObject properties)
        {
            foreach (var (name, field) in properties)
            {
                var publishedField = published["properties"]?[name];
                Assert.True(publishedField is not null, $"{path}.{name} is missing from /openapi/v2");
                Assert.True(field!["type"]!.GetValue<string>() == publishedField["type"]?.GetValue<string>(),
                    $"{path}.{name}: type {publishedField["type"]?.ToJsonString() ?? "missing"} in /openapi/v2, {field["type"]} in the CRD");
                Assert.Equal(field["description"]!.GetValue<string>(), publishedField["description"]?.GetValue<string>());
                count += 1 + CompareFields(field, publishedField, $"{path}.{name}");
            }
        }

        if (generated["items"] is JsonNode items && published["items"] is JsonNode publishedItems)
        {
            count += CompareFields(items, publishedItems, $"{path}[]");
        }

        return count;
    }
}
