using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;

namespace PveOperator.Tests.Shipping;

/// <summary>One YAML document of a manifest stream, with its kind and name read, and the text to deserialize further.</summary>
internal sealed record Manifest(string ApiVersion, string Kind, string Name, string? Namespace, string Yaml, string Source)
{
    public T As<T>() => KubernetesYaml.Deserialize<T>(Yaml);
}

/// <summary>Reads Kubernetes manifests (files, directories, `helm template` output) without knowing every kind's type.</summary>
internal static partial class Manifests
{
    public static IReadOnlyList<Manifest> Parse(string yaml, string source)
    {
        var result = new List<Manifest>();
        foreach (var document in DocumentSeparator().Split(yaml))
        {
            if (document.Split('\n').All(line => line.Trim().Length == 0 || line.TrimStart().StartsWith('#')))
            {
                continue;
            }

            var header = KubernetesYaml.Deserialize<Header>(document);
            result.Add(new Manifest(header.ApiVersion, header.Kind, header.Metadata?.Name ?? "", header.Metadata?.NamespaceProperty, document, source));
        }

        return result;
    }

    /// <summary>Every .yaml file of a directory, in the order kubectl applies them (by name).</summary>
    public static IReadOnlyList<Manifest> LoadDirectory(string directory) =>
        Directory.GetFiles(directory, "*.yaml").Order(StringComparer.Ordinal)
            .SelectMany(file => Parse(File.ReadAllText(file), Path.GetFileName(file)))
            .ToList();

    public static Manifest Single(this IEnumerable<Manifest> manifests, string kind) =>
        Assert.Single(manifests, m => m.Kind == kind);

    public static string RepositoryRoot()
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

    private sealed class Header : IKubernetesObject<V1ObjectMeta>
    {
        [JsonPropertyName("apiVersion")]
        public string ApiVersion { get; set; } = "";

        [JsonPropertyName("kind")]
        public string Kind { get; set; } = "";

        [JsonPropertyName("metadata")]
        public V1ObjectMeta Metadata { get; set; } = new();
    }

    [GeneratedRegex(@"^---[ \t]*\r?$", RegexOptions.Multiline)]
    private static partial Regex DocumentSeparator();
}
