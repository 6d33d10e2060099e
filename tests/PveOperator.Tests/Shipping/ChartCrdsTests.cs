namespace PveOperator.Tests.Shipping;

/// <summary>The chart installs the same CRDs as config/crds (hack/generate-crds.sh writes both).</summary>
public sealed class ChartCrdsTests
{
    [Fact]
    public void Chart_crds_are_copies_of_config_crds()
    {
        var root = Manifests.RepositoryRoot();
        var config = Path.Combine(root, "config", "crds");
        var chart = Path.Combine(root, "charts", "pve-operator", "crds");
        var names = Directory.GetFiles(config, "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(names);
        Assert.Equal(names, Directory.GetFiles(chart, "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList());
        foreach (var name in names)
        {
            Assert.True(File.ReadAllText(Path.Combine(config, name!)) == File.ReadAllText(Path.Combine(chart, name!)),
                $"charts/pve-operator/crds/{name} differs from config/crds/{name}: run hack/generate-crds.sh");
        }
    }
}
