using System.Text.Json.Nodes;
using PveOperator.Crds;
using PveOperator.Entities;

namespace PveOperator.Tests.Crds;

public sealed class CrdGeneratorTests
{
    public static TheoryData<Type> Entities => new(CrdGenerator.EntityTypes);

    [Theory]
    [MemberData(nameof(Entities))]
    public void Committed_crd_yaml_matches_what_the_types_generate(Type entityType)
    {
        var committed = Path.Combine(RepositoryRoot(), "config", "crds", CrdGenerator.FileName(entityType));
        Assert.True(File.Exists(committed), $"{committed} is missing: run hack/generate-crds.sh");
        Assert.True(
            File.ReadAllText(committed) == CrdGenerator.GenerateYaml(entityType),
            $"{committed} is stale: run hack/generate-crds.sh and commit the result");
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
        Assert.Equal(["providerRef", "vmid"], spec["required"]!.AsArray().Select(v => v!.GetValue<string>()));
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
