using PveOperator.IntegrationTests.Infrastructure;

namespace PveOperator.IntegrationTests.Reliability;

/// <summary>Installs config/crds and waits until the API server publishes their schemas, which kubectl validates against.</summary>
internal static class OperatorCrds
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static bool published;

    public static async Task InstallAsync(ControlPlaneFixture controlPlane)
    {
        await Gate.WaitAsync();
        try
        {
            if (published)
            {
                return;
            }

            var directory = Path.Combine(Operator.OperatorHarness.RepositoryRoot(), "config", "crds");
            foreach (var file in Directory.GetFiles(directory, "*.yaml").Order(StringComparer.Ordinal))
            {
                await TestCrds.ApplyAsync(controlPlane.Client, await File.ReadAllTextAsync(file));
            }

            // The OpenAPI document follows an established CRD a moment later; until then kubectl cannot validate.
            await Eventually.TrueAsync(async () =>
            {
                var (code, text) = await Kubectl.RunAsync(controlPlane.KubeconfigPath, null, "get", "--raw", "/openapi/v2");
                return code == 0 && text.Contains("io.pve-operator.v1alpha1.LxcContainer", StringComparison.Ordinal)
                    && text.Contains("io.pve-operator.v1alpha1.ProxmoxProvider", StringComparison.Ordinal);
            }, "the API server publishes the operator's schemas", TimeSpan.FromSeconds(60));
            published = true;
        }
        finally
        {
            Gate.Release();
        }
    }
}
