using System.Diagnostics;
using System.Net.Http.Headers;
using k8s;

namespace PveOperator.Bench;

/// <summary>A fresh local control plane (hack/control-plane.sh) for one size, and its API server's own request counters.</summary>
internal sealed class ControlPlane : IAsyncDisposable
{
    private readonly string repo;
    private readonly HttpClient metricsClient;

    private ControlPlane(string repo, string directory, KubernetesClientConfiguration config)
    {
        this.repo = repo;
        Directory = directory;
        Config = config;
        Client = new Kubernetes(config);
        // Loopback only, our own throw-away CA: the bench trusts the server it just started.
        metricsClient = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true })
        {
            BaseAddress = new Uri(config.Host),
            Timeout = TimeSpan.FromSeconds(30),
        };
        metricsClient.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", config.AccessToken);
    }

    public string Directory { get; }
    public string Kubeconfig => Path.Combine(Directory, "kubeconfig");
    public KubernetesClientConfiguration Config { get; }
    public IKubernetes Client { get; }

    public static async Task<ControlPlane> StartAsync(string repo, string directory, CancellationToken cancellationToken)
    {
        await Shell.RunAsync(repo, "bash", ["hack/control-plane.sh", "clean", directory], cancellationToken);
        await Shell.RunAsync(repo, "bash", ["hack/control-plane.sh", "start", directory], cancellationToken);
        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(Path.Combine(directory, "kubeconfig"));
        return new ControlPlane(repo, directory, config);
    }

    public async Task ApplyCrdsAsync(CancellationToken cancellationToken)
    {
        // The 1.20 control plane cannot take the shipped CRDs' CEL rules (docs/kubernetes-versions.md).
        await Shell.RunAsync(repo, "kubectl", ["--kubeconfig", Kubeconfig, "apply", "-f", "config/crds-without-cel"], cancellationToken);
        await Shell.RunAsync(repo, "kubectl",
            ["--kubeconfig", Kubeconfig, "wait", "--for=condition=Established", "crd", "--all", "--timeout=60s"], cancellationToken);
    }

    /// <summary>apiserver_request_total by "verb resource/subresource" (see <see cref="RequestCounts"/>).</summary>
    public async Task<Dictionary<string, double>> RequestCountsAsync(CancellationToken cancellationToken) =>
        RequestCounts.Parse(await metricsClient.GetStringAsync(new Uri("/metrics", UriKind.Relative), cancellationToken));

    public async ValueTask DisposeAsync()
    {
        metricsClient.Dispose();
        Client.Dispose();
        try
        {
            await Shell.RunAsync(repo, "bash", ["hack/control-plane.sh", "clean", Directory], CancellationToken.None);
        }
        catch (InvalidOperationException error)
        {
            await Console.Error.WriteLineAsync($"bench: stopping the control plane failed: {error.Message}");
        }
    }
}

/// <summary>Runs a command to its end; a non-zero exit is an exception carrying its output.</summary>
internal static class Shell
{
    public static async Task<string> RunAsync(string workingDirectory, string file, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var output = await stdout;
        var errors = await stderr;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {process.ExitCode}:\n{output}\n{errors}");
        }

        return output;
    }
}
