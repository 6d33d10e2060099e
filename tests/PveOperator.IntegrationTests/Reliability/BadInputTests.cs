using System.Net;
using k8s;
using k8s.Autorest;
using PveOperator.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace PveOperator.IntegrationTests.Reliability;

/// <summary>
/// The catalogue of invalid manifests in Reliability/BadInput, each applied with the real kubectl as a user would and
/// once more with kubectl's own validation off (as GitOps controllers and client libraries send it), so the API
/// server itself has to refuse it. Neither needs the operator: the CRD schema is the whole defence.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class BadInputTests(ControlPlaneFixture controlPlane, ITestOutputHelper output) : IAsyncLifetime
{
    private string ns = "";

    public static TheoryData<string> Manifests => new(BadManifest.FileNames());

    public async Task InitializeAsync()
    {
        await OperatorCrds.InstallAsync(controlPlane);
        ns = await controlPlane.CreateNamespaceAsync();
    }

    public async Task DisposeAsync()
    {
        try
        {
            await controlPlane.Client.CoreV1.DeleteNamespaceAsync(ns);
        }
        catch (HttpOperationException error) when (error.Response.StatusCode == HttpStatusCode.NotFound)
        {
        }
    }

    [Fact]
    public void The_catalogue_holds_at_least_25_manifests_each_saying_what_the_user_sees()
    {
        var manifests = BadManifest.FileNames().Select(BadManifest.Load).ToList();
        Assert.True(manifests.Count >= 25, $"only {manifests.Count} bad manifests");
        Assert.All(manifests, m => Assert.False(string.IsNullOrWhiteSpace(m.Title), $"{m.File} needs a first comment line saying what is wrong"));
        Assert.Equal(manifests.Count, manifests.Select(m => m.Expect).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Manifests))]
    public async Task An_invalid_manifest_is_rejected_with_a_message_a_user_understands(string file)
    {
        var manifest = BadManifest.Load(file);
        output.WriteLine($"{file}: {manifest.Title}");

        // What a user runs.
        var (exitCode, text) = await Kubectl.RunAsync(controlPlane.KubeconfigPath, manifest.Yaml, "apply", "-n", ns, "-f", "-");
        output.WriteLine($"kubectl apply -f - → exit {exitCode}\n{text}");
        if (exitCode == 0)
        {
            await Kubectl.RunAsync(controlPlane.KubeconfigPath, manifest.Yaml, "delete", "-n", ns, "--ignore-not-found", "-f", "-");
        }

        Assert.Equal(1, exitCode);
        Assert.Contains(manifest.Expect, text, StringComparison.Ordinal);
        // Nothing of the manifest is stored half-way.
        Assert.DoesNotContain("created", text, StringComparison.Ordinal);
        Assert.DoesNotContain("configured", text, StringComparison.Ordinal);

        // What the API server itself answers a client that does not validate first.
        var (serverExitCode, serverText) = await Kubectl.RunAsync(controlPlane.KubeconfigPath, manifest.Yaml,
            "apply", "-n", ns, "--validate=false", "--dry-run=server", "-o", "yaml", "-f", "-");
        output.WriteLine($"kubectl apply --validate=false --dry-run=server -f - → exit {serverExitCode}\n{serverText}");
        if (manifest.ServerPrunes)
        {
            // An API server without strict field validation (before 1.25; CI runs 1.20) drops an unknown field
            // instead of refusing it: only kubectl's validation catches the typo, and the default applies.
            Assert.Equal(0, serverExitCode);
            Assert.NotNull(manifest.UnknownField);
            Assert.DoesNotContain(manifest.UnknownField + ":", serverText, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(1, serverExitCode);
            Assert.Contains(manifest.Server ?? manifest.Expect, serverText, StringComparison.Ordinal);
        }
    }
}
