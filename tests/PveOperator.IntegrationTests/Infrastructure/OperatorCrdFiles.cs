namespace PveOperator.IntegrationTests.Infrastructure;

/// <summary>
/// The operator's generated CRDs, per server generation. The shipped copy (config/crds, the chart) carries CEL rules,
/// which the 1.20 server of this tier cannot take from kubectl or Helm; the 1.20 tier installs the copy the generator
/// writes without them (config/crds-without-cel), identical otherwise. The 1.36 tier installs the shipped copy.
/// </summary>
internal static class OperatorCrdFiles
{
    /// <summary>Relative to the repository root, as kubectl is given it.</summary>
    public const string WithoutCelDirectory = "config/crds-without-cel";

    public const string ShippedDirectory = "config/crds";

    /// <summary>The CRD files for the 1.20 tier, in a stable order.</summary>
    public static IReadOnlyList<string> ForKubernetes120() => Files(WithoutCelDirectory);

    public static IReadOnlyList<string> Shipped() => Files(ShippedDirectory);

    /// <summary>
    /// A copy of the chart for the 1.20 tier: crds/ holds the CRDs without CEL rules and kubeVersion admits 1.20.
    /// Everything the chart renders (templates, values, schema) is the shipped chart's.
    /// </summary>
    public static string ChartForKubernetes120(string chart)
    {
        var copy = Directory.CreateTempSubdirectory("pve-operator-chart-1.20-").FullName;
        foreach (var file in Directory.GetFiles(chart, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(chart, file);
            if (relative.StartsWith("crds" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                continue;
            }

            var target = Path.Combine(copy, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        var crds = Directory.CreateDirectory(Path.Combine(copy, "crds")).FullName;
        foreach (var file in ForKubernetes120())
        {
            File.Copy(file, Path.Combine(crds, Path.GetFileName(file)));
        }

        var chartYaml = Path.Combine(copy, "Chart.yaml");
        var lines = File.ReadAllLines(chartYaml);
        Assert.Single(lines, l => l.StartsWith("kubeVersion:", StringComparison.Ordinal));
        File.WriteAllLines(chartYaml, lines.Select(l => l.StartsWith("kubeVersion:", StringComparison.Ordinal) ? "kubeVersion: \">=1.20.0-0\"" : l));
        return copy;
    }

    private static IReadOnlyList<string> Files(string directory) =>
        Directory.GetFiles(Path.Combine(Operator.OperatorHarness.RepositoryRoot(), directory), "*.yaml").Order(StringComparer.Ordinal).ToList();
}
