using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PveOperator.Crds;
using PveOperator.Entities;
using PveOperator.Tests.Crds.Probes;

namespace PveOperator.Tests.Crds;

public sealed class CrdGeneratorTests
{
    public static TheoryData<Type> Entities => new(CrdGenerator.EntityTypes);

    // CrdVariant is internal, so the theory names it.
    public static TheoryData<Type, string> EntitiesAndVariants
    {
        get
        {
            var data = new TheoryData<Type, string>();
            foreach (var type in CrdGenerator.EntityTypes)
            {
                data.Add(type, nameof(CrdVariant.Shipped));
                data.Add(type, nameof(CrdVariant.WithoutCelRules));
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(EntitiesAndVariants))]
    public void Committed_crd_yaml_matches_what_the_types_generate(Type entityType, string variantName)
    {
        var variant = Enum.Parse<CrdVariant>(variantName);
        var committed = Path.Combine(RepositoryRoot(), CrdGenerator.DirectoryOf(variant), CrdGenerator.FileName(entityType));
        Assert.True(File.Exists(committed), $"{committed} is missing: run hack/generate-crds.sh");
        Assert.True(
            File.ReadAllText(committed) == CrdGenerator.GenerateYaml(entityType, variant),
            $"{committed} is stale: run hack/generate-crds.sh and commit the result");
    }

    [Theory]
    [MemberData(nameof(Entities))]
    public void The_copy_without_cel_is_the_shipped_crd_minus_its_rules(Type entityType)
    {
        var shipped = CrdGenerator.Generate(entityType);
        var withoutCel = CrdGenerator.Generate(entityType, CrdVariant.WithoutCelRules);
        Assert.Contains(Walk(shipped), node => node.ContainsKey("x-kubernetes-validations"));
        Assert.DoesNotContain(Walk(withoutCel), node => node.ContainsKey("x-kubernetes-validations"));
        foreach (var node in Walk(shipped).ToList())
        {
            node.Remove("x-kubernetes-validations");
        }

        Assert.True(JsonNode.DeepEquals(shipped, withoutCel), "the copy without CEL differs in more than the rules");
    }

    [Fact]
    public void Vmid_and_provider_ref_cannot_change_once_set()
    {
        var spec = Schema(typeof(V1Alpha1LxcContainer))["properties"]!["spec"]!["properties"]!;
        foreach (var field in new[] { "vmid", "providerRef" })
        {
            var rule = Assert.Single(spec[field]!["x-kubernetes-validations"]!.AsArray())!;
            Assert.Equal("self == oldSelf", rule["rule"]!.GetValue<string>());
            Assert.StartsWith($"{field} cannot be changed", rule["message"]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Provider_tls_allows_at_most_one_trust_mode()
    {
        var tls = Schema(typeof(V1Alpha1ProxmoxProvider))["properties"]!["spec"]!["properties"]!["tls"]!;
        var rule = Assert.Single(tls["x-kubernetes-validations"]!.AsArray())!;
        Assert.Contains("at most one of insecureSkipVerify, caBundle and fingerprint", rule["message"]!.GetValue<string>(), StringComparison.Ordinal);
        foreach (var field in new[] { "insecureSkipVerify", "caBundle", "fingerprint" })
        {
            Assert.Contains($"self.{field}", rule["rule"]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_rule_carries_its_optional_parts_and_leaves_the_default_reason_out()
    {
        var rule = Assert.Single(Schema(typeof(ProbeEntity<RuleProbeSpec>))["properties"]!["spec"]!["x-kubernetes-validations"]!.AsArray())!;
        Assert.Equal(
            [("rule", "self.low <= self.high"), ("message", "low must not exceed high"),
             ("messageExpression", "'low ' + string(self.low) + ' exceeds high'"), ("fieldPath", ".low"), ("reason", "FieldValueForbidden")],
            rule.AsObject().Select(p => (p.Key, p.Value!.GetValue<string>())));
        var plain = Assert.Single(Schema(typeof(V1Alpha1LxcContainer))["properties"]!["spec"]!["properties"]!["vmid"]!["x-kubernetes-validations"]!.AsArray())!;
        Assert.Equal(["rule", "message"], plain.AsObject().Select(p => p.Key));
    }

    [Theory]
    [MemberData(nameof(Entities))]
    public void Every_field_has_a_type_and_a_description_and_none_is_nullable(Type entityType)
    {
        foreach (var node in Walk(Schema(entityType)))
        {
            Assert.False(node.ContainsKey("nullable"), $"{node.GetPath()} is nullable without [AcceptsNull]");
            if (node["properties"] is JsonObject properties)
            {
                foreach (var (name, child) in properties)
                {
                    Assert.True(child!["type"] is JsonValue, $"{child.GetPath()} has no type");
                    if (child.GetPath().EndsWith(".openAPIV3Schema.properties.metadata", StringComparison.Ordinal))
                    {
                        continue; // the API server allows nothing but the type on metadata
                    }

                    Assert.True(child["description"] is JsonValue, $"{child.GetPath()} has no description");
                }
            }
        }
    }

    [Fact]
    public void Only_fields_marked_AcceptsNull_are_nullable()
    {
        var spec = Schema(typeof(ProbeEntity<NullableProbeSpec>))["properties"]!["spec"]!["properties"]!;
        Assert.Null(spec["plain"]!["nullable"]);
        Assert.True(spec["clearable"]!["nullable"]!.GetValue<bool>());
        Assert.Equal("string", spec["plain"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public void Conditions_nodes_and_interfaces_are_map_lists_whose_keys_are_required()
    {
        var container = Schema(typeof(V1Alpha1LxcContainer))["properties"]!["status"]!["properties"]!;
        var provider = Schema(typeof(V1Alpha1ProxmoxProvider))["properties"]!["status"]!["properties"]!;
        foreach (var (list, key) in new[] { (container["conditions"]!, "type"), (container["interfaces"]!, "name"), (provider["conditions"]!, "type"), (provider["nodes"]!, "name") })
        {
            Assert.Equal("map", list["x-kubernetes-list-type"]!.GetValue<string>());
            Assert.Equal([key], list["x-kubernetes-list-map-keys"]!.AsArray().Select(k => k!.GetValue<string>()));
            Assert.Contains(key, list["items"]!["required"]!.AsArray().Select(k => k!.GetValue<string>()));
        }

        // A list of addresses may repeat one (two interfaces, one address), so it stays atomic.
        Assert.Null(container["ipAddresses"]!["x-kubernetes-list-type"]);
    }

    [Theory]
    [InlineData(typeof(ProbeEntity<ListOnScalarProbeSpec>), "[ListType] belongs on a list")]
    [InlineData(typeof(ProbeEntity<MissingMapKeyProbeSpec>), "map key 'id' must be a scalar field of the items")]
    [InlineData(typeof(ProbeEntity<UndescribedProbeSpec>), "mystery needs a [Description]")]
    public void The_generator_refuses_what_the_api_server_or_kubectl_explain_would_trip_on(Type entityType, string message)
    {
        var error = Assert.Throws<InvalidOperationException>(() => CrdGenerator.Generate(entityType));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Chart_kube_version_admits_no_server_that_lacks_a_field_the_rules_use()
    {
        // x-kubernetes-validations with rule and message: 1.25; messageExpression: 1.27; fieldPath and reason: 1.28.
        var rules = CrdGenerator.EntityTypes.SelectMany(t => Walk(CrdGenerator.Generate(t)))
            .Where(n => n["x-kubernetes-validations"] is not null)
            .SelectMany(n => n["x-kubernetes-validations"]!.AsArray().Select(r => r!.AsObject()))
            .ToList();
        var needed = rules.Count == 0 ? 16 : rules.Max(r =>
            r.ContainsKey("fieldPath") || r.ContainsKey("reason") ? 28 : r.ContainsKey("messageExpression") ? 27 : 25);
        var chart = File.ReadAllText(Path.Combine(RepositoryRoot(), "charts", "pve-operator", "Chart.yaml"));
        var match = Regex.Match(chart, @"^kubeVersion: "">=1\.(\d+)\.0-0""$", RegexOptions.Multiline);
        Assert.True(match.Success, "Chart.yaml needs kubeVersion: \">=1.N.0-0\"");
        Assert.Equal(needed, int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [MemberData(nameof(Entities))]
    public void Schema_is_structural(Type entityType)
    {
        var schema = CrdGenerator.Generate(entityType)["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!;
        foreach (var node in Walk(schema))
        {
            Assert.False(node.ContainsKey("$ref"), node.GetPath());
            Assert.False(node.ContainsKey("$comment"), node.GetPath());
            if (node.ContainsKey("properties") || node.ContainsKey("items") || node.ContainsKey("enum"))
            {
                Assert.True(node["type"] is JsonValue, $"{node.GetPath()} needs a single type");
            }
        }
    }

    [Fact]
    public void Container_schema_carries_validation_and_defaults()
    {
        var spec = CrdGenerator.Generate(typeof(V1Alpha1LxcContainer))["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!["properties"]!["spec"]!;
        Assert.Equal(100, spec["properties"]!["vmid"]!["minimum"]!.GetValue<long>());
        Assert.Equal(999999999, spec["properties"]!["vmid"]!["maximum"]!.GetValue<long>());
        Assert.Equal(["Running", "Stopped"], spec["properties"]!["powerState"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal("Running", spec["properties"]!["powerState"]!["default"]!.GetValue<string>());
        Assert.Equal(["providerRef"], spec["required"]!.AsArray().Select(v => v!.GetValue<string>()));
        // vmid may be left out only when the operator creates the container; old servers check this without CEL.
        Assert.Equal(["vmid", "create"], spec["anyOf"]!.AsArray().Select(b => b!["required"]![0]!.GetValue<string>()));
        Assert.Null(spec["nullable"]);
    }

    [Fact]
    public void Provider_is_cluster_scoped_with_short_name_and_token_pattern()
    {
        var crd = CrdGenerator.Generate(typeof(V1Alpha1ProxmoxProvider));
        Assert.Equal("Cluster", crd["spec"]!["scope"]!.GetValue<string>());
        Assert.Equal("pvp", crd["spec"]!["names"]!["shortNames"]![0]!.GetValue<string>());
        var tokenPattern = crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!["properties"]!["spec"]!["properties"]!["tokenId"]!["pattern"]!.GetValue<string>();
        Assert.Matches(tokenPattern, "operator@pve!k8s");
        Assert.DoesNotMatch(tokenPattern, "operator@pve");
    }

    [Fact]
    public void Required_members_of_nested_objects_are_required_in_the_schema()
    {
        static JsonNode Spec(Type type) => CrdGenerator.Generate(type)["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!["properties"]!["spec"]!;

        Assert.Equal(["name"], Spec(typeof(V1Alpha1LxcContainer))["properties"]!["providerRef"]!["required"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal(["namespace", "name"], Spec(typeof(V1Alpha1ProxmoxProvider))["properties"]!["secretRef"]!["required"]!.AsArray().Select(v => v!.GetValue<string>()));
    }

    private static JsonNode Schema(Type entityType) =>
        CrdGenerator.Generate(entityType)["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!;

    private static IEnumerable<JsonObject> Walk(JsonNode node)
    {
        if (node is JsonObject obj)
        {
            yield return obj;
            foreach (var (_, child) in obj)
            {
                if (child is not null)
                {
                    foreach (var inner in Walk(child))
                    {
                        yield return inner;
                    }
                }
            }
        }
        else if (node is JsonArray array)
        {
            foreach (var inner in array.OfType<JsonNode>().SelectMany(Walk))
            {
                yield return inner;
            }
        }
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PveOperator.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root (PveOperator.sln) not found");
    }
}
