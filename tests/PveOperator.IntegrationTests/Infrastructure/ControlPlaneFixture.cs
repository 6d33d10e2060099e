using System.Diagnostics;
using k8s;
using k8s.Models;

namespace PveOperator.IntegrationTests.Infrastructure;

/// <summary>
/// A real kube-apiserver for the whole test run: started once through hack/control-plane.sh in a temp
/// directory and stopped at the end, or, when PVE_OPERATOR_TEST_KUBECONFIG names a kubeconfig, an
/// existing cluster (as envtest's USE_EXISTING_CLUSTER). Installs the test CRDs either way.
/// </summary>
public sealed class ControlPlaneFixture : IAsyncLifetime
{
    public const string ExistingClusterVariable = "PVE_OPERATOR_TEST_KUBECONFIG";

    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(30);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);

    private string? controlPlaneDirectory;
    private string? repositoryRoot;
    private Kubernetes? client;

    /// <summary>A client with cluster-admin rights on the test cluster.</summary>
    public IKubernetes Client => client ?? throw new InvalidOperationException("The control plane is not started.");

    public KubernetesClientConfiguration Configuration { get; private set; } = null!;

    /// <summary>The kubeconfig file, for the real kubectl and for operator processes.</summary>
    public string KubeconfigPath { get; private set; } = null!;

    /// <summary>True when the tests run against a cluster this fixture did not start.</summary>
    public bool UsesExistingCluster { get; private set; }

    public async Task InitializeAsync()
    {
        var kubeconfig = Environment.GetEnvironmentVariable(ExistingClusterVariable);
        if (string.IsNullOrEmpty(kubeconfig))
        {
            repositoryRoot = FindRepositoryRoot();
            controlPlaneDirectory = Directory.CreateTempSubdirectory("pve-operator-cp-").FullName;
            await RunScriptAsync("install-tools.sh", [], InstallTimeout);
            await RunScriptAsync("control-plane.sh", ["start", controlPlaneDirectory], StartTimeout);
            kubeconfig = Path.Combine(controlPlaneDirectory, "kubeconfig");
        }
        else
        {
            UsesExistingCluster = true;
        }

        KubeconfigPath = kubeconfig;
        Configuration = KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig);
        client = new Kubernetes(Configuration);
        foreach (var definition in TestCrds.All)
        {
            await TestCrds.ApplyAsync(client, definition);
        }
    }

    public async Task DisposeAsync()
    {
        if (client is not null && UsesExistingCluster)
        {
            foreach (var definition in TestCrds.All)
            {
                await TestCrds.DeleteAsync(client, definition);
            }
        }

        client?.Dispose();
        if (controlPlaneDirectory is not null)
        {
            await RunScriptAsync("control-plane.sh", ["clean", controlPlaneDirectory], StartTimeout);
            if (Directory.Exists(controlPlaneDirectory))
            {
                Directory.Delete(controlPlaneDirectory, recursive: true);
            }
        }
    }

    /// <summary>Whether <see cref="RestartAsync"/> can be used (not on an existing cluster).</summary>
    public bool CanRestart => controlPlaneDirectory is not null;

    /// <summary>
    /// Stops kube-apiserver and etcd and starts them again on the same ports with the same data and credentials,
    /// so clients see an outage and then the same cluster. <paramref name="whileDown"/> runs during the outage.
    /// </summary>
    public async Task RestartAsync(Func<Task>? whileDown = null)
    {
        if (controlPlaneDirectory is null)
        {
            throw new InvalidOperationException("Only a control plane this fixture started can be restarted.");
        }

        await RunScriptAsync("control-plane.sh", ["stop", controlPlaneDirectory], StartTimeout);
        if (whileDown is not null)
        {
            await whileDown();
        }

        await RunScriptAsync("control-plane.sh", ["start", controlPlaneDirectory], StartTimeout);
    }

    /// <summary>A new client (own connection pool), e.g. for a second operator replica.</summary>
    public Kubernetes NewClient() => new(Configuration);

    /// <summary>A fresh namespace for one test, so that tests never see each other's objects.</summary>
    public async Task<string> CreateNamespaceAsync()
    {
        var name = $"rt-{Guid.NewGuid():N}"[..15];
        await Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } });
        return name;
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "hack", "control-plane.sh")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException(
            $"hack/control-plane.sh not found above {AppContext.BaseDirectory}; set {ExistingClusterVariable} to use an existing cluster.");
    }

    private async Task RunScriptAsync(string script, string[] arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = repositoryRoot,
        };
        start.ArgumentList.Add(Path.Combine(repositoryRoot!, "hack", script));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {script}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"hack/{script} {string.Join(' ', arguments)} did not finish within {timeout}.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"hack/{script} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}:\n{await output}\n{await errors}");
        }
    }
}
