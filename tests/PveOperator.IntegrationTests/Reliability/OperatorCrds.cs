using PveOperator.IntegrationTests.Infrastructure;

namespace PveOperator.IntegrationTests.Reliability;

/// <summary>Installs the CRDs for the 1.20 tier (<see cref="OperatorCrdFiles"/>) and waits until the API server publishes their schemas, which kubectl validates against.</summary>
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

            foreach (var file in OperatorCrdFiles.ForKubernetes120())
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
