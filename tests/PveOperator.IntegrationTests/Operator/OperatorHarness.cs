using System.Diagnostics;
using System.Net;
using System.Text;
using k8s;
using Xunit.Abstractions;
using k8s.Autorest;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Prometheus;
using PveOperator.Controllers;
using PveOperator.Entities;
using PveOperator.Hosting;
using PveOperator.IntegrationTests.Infrastructure;
using PveOperator.IntegrationTests.Shipping;
using PveOperator.Runtime;
using PveSimulator;

namespace PveOperator.IntegrationTests.Operator;

/// <summary>
/// The operator running in-process against the real control plane, plus simulators it talks to. One per test:
/// it owns a namespace for containers and the providers it created, and removes both before it stops.
/// </summary>
public sealed class OperatorHarness : IAsyncDisposable
{
    public static readonly ContainerControllerSettings FastSettings = new()
    {
        TaskPollInterval = TimeSpan.FromMilliseconds(200),
        SlotWaitInterval = TimeSpan.FromMilliseconds(100),
        SnapshotLag = TimeSpan.FromSeconds(3),
        UnknownOutcomeHold = TimeSpan.FromSeconds(3),
        DhcpRetryInterval = TimeSpan.FromMilliseconds(500),
        DhcpRetryWindow = TimeSpan.FromSeconds(30),
        ProviderNotReadyRetry = TimeSpan.FromSeconds(2),
        NotFoundRetry = TimeSpan.FromSeconds(2),
        LockedRetry = TimeSpan.FromSeconds(1),
        FailureBackoffBase = TimeSpan.FromSeconds(1),
        FailureBackoffMax = TimeSpan.FromSeconds(4),
    };

    private readonly ControlPlaneFixture controlPlane;
    private readonly ITestOutputHelper output;
    private readonly List<PveSimulatorServer> simulators = [];
    private readonly List<string> providers = [];
    private readonly List<string> temporaryFiles = [];
    private WebApplication? app;
    private ContainerControllerSettings operatorSettings = FastSettings;
    private Func<OperatorOptions, OperatorOptions>? operatorConfigure;
    private TimeSpan cacheLag;
    private bool secretReadGranted;

    private OperatorHarness(ControlPlaneFixture controlPlane, ITestOutputHelper output, string @namespace)
    {
        this.controlPlane = controlPlane;
        this.output = output;
        Namespace = @namespace;
    }

    public IKubernetes Kube => controlPlane.Client;
    public string Namespace { get; }
    public CollectorRegistry Metrics { get; private set; } = Prometheus.Metrics.NewCustomRegistry();
    public StringBuilder Log { get; } = new();

    /// <summary>Starts the harness; without <paramref name="inProcessOperator"/> the test runs operator processes itself.</summary>
    /// <param name="configureOptions">Changes the in-process operator's options (flags such as --allow-insecure-tls).</param>
    /// <param name="cacheLag">Holds each watch event this long before the in-process operator's caches see it.</param>
    public static async Task<OperatorHarness> StartAsync(
        ControlPlaneFixture controlPlane, ITestOutputHelper output, ContainerControllerSettings? settings = null, bool inProcessOperator = true,
        Func<OperatorOptions, OperatorOptions>? configureOptions = null, TimeSpan cacheLag = default)
    {
        await InstallCrdsAsync(controlPlane.Client);
        var harness = new OperatorHarness(controlPlane, output, await controlPlane.CreateNamespaceAsync());
        harness.cacheLag = cacheLag;
        if (inProcessOperator)
        {
            await harness.StartOperatorAsync(settings ?? FastSettings, configureOptions);
        }

        return harness;
    }

    public string KubeconfigPath => controlPlane.KubeconfigPath;

    public async Task<PveSimulatorServer> StartSimulatorAsync(SimulatorOptions? options = null, params string[] nodes)
    {
        // Without PVE's 3 s delay before a 401, unless a test asks for a delay of its own.
        var simulator = await PveSimulatorServer.StartAsync((options ?? new SimulatorOptions
        {
            TaskDuration = TimeSpan.FromMilliseconds(300),
            ResourcesRefreshInterval = TimeSpan.FromMilliseconds(500),
        }).WithoutUnauthorizedDelay());
        foreach (var node in nodes.Length == 0 ? ["pve1", "pve2"] : nodes)
        {
            simulator.Cluster.AddNode(node, "127.0.0.1");
        }

        simulators.Add(simulator);
        return simulator;
    }

    /// <summary>A Secret with the simulator's token and a provider pinned to its certificate.</summary>
    public async Task<string> CreateProviderAsync(
        PveSimulatorServer simulator, string? name = null, Action<V1Alpha1ProxmoxProvider>? customize = null, string? secret = null)
    {
        name ??= $"pvp-{Guid.NewGuid():N}"[..12];
        await CreateSecretAsync($"{name}-token", secret ?? simulator.DefaultTokenSecret);
        var provider = new V1Alpha1ProxmoxProvider
        {
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new ProxmoxProviderSpec
            {
                Url = simulator.BaseUrl.ToString().TrimEnd('/'),
                TokenId = PveSimulatorServer.DefaultTokenId,
                SecretRef = new SecretKeyReference { Namespace = Namespace, Name = $"{name}-token" },
                Tls = new ProviderTlsSpec { Fingerprint = simulator.CertificateFingerprint },
                SyncInterval = "1s",
            },
        };
        customize?.Invoke(provider);
        providers.Add(name);
        await Kube.CustomObjects.CreateClusterCustomObjectAsync(provider, ApiGroup.Group, ApiGroup.Version, "proxmoxproviders");
        return name;
    }

    /// <summary>A Secret in the harness namespace; <paramref name="credentials"/> adds the label that lets providers use it.</summary>
    public async Task CreateSecretAsync(string name, string value, string key = "secret", bool credentials = true)
    {
        var secret = new V1Secret
        {
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = Namespace,
                Labels = credentials ? new Dictionary<string, string> { [ProviderPolicy.CredentialsLabel] = "true" } : null,
            },
            Data = new Dictionary<string, byte[]> { [key] = Encoding.UTF8.GetBytes(value) },
        };
        try
        {
            await Kube.CoreV1.CreateNamespacedSecretAsync(secret, Namespace);
        }
        catch (HttpOperationException error) when (error.Response.StatusCode == HttpStatusCode.Conflict)
        {
            await Kube.CoreV1.ReplaceNamespacedSecretAsync(secret, name, Namespace);
        }
    }

    public async Task<string> CreateContainerAsync(
        string provider, int vmid, PowerState? powerState = PowerState.Running, Action<LxcContainerSpec>? customize = null, string? name = null)
    {
        name ??= $"ct-{vmid}";
        var container = new V1Alpha1LxcContainer
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Namespace },
            Spec = new LxcContainerSpec { ProviderRef = new ProviderReference { Name = provider }, Vmid = vmid, PowerState = powerState },
        };
        customize?.Invoke(container.Spec);
        await Kube.CustomObjects.CreateNamespacedCustomObjectAsync(container, ApiGroup.Group, ApiGroup.Version, Namespace, "lxccontainers");
        return name;
    }

    public async Task<V1Alpha1LxcContainer> GetContainerAsync(string name) =>
        KubernetesJson.Deserialize<V1Alpha1LxcContainer>(KubernetesJson.Serialize(
            await Kube.CustomObjects.GetNamespacedCustomObjectAsync(ApiGroup.Group, ApiGroup.Version, Namespace, "lxccontainers", name)));

    public async Task<V1Alpha1ProxmoxProvider> GetProviderAsync(string name) =>
        KubernetesJson.Deserialize<V1Alpha1ProxmoxProvider>(KubernetesJson.Serialize(
            await Kube.CustomObjects.GetClusterCustomObjectAsync(ApiGroup.Group, ApiGroup.Version, "proxmoxproviders", name)));

    public Task PatchContainerSpecAsync(string name, object spec) =>
        Kube.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch(KubernetesJson.Serialize(new { spec }), V1Patch.PatchType.MergePatch),
            ApiGroup.Group, ApiGroup.Version, Namespace, "lxccontainers", name);

    /// <summary>A JSON merge patch of the provider's spec, given as JSON text (so that null removes a field).</summary>
    public Task PatchProviderSpecAsync(string name, string specJson) =>
        Kube.CustomObjects.PatchClusterCustomObjectAsync(
            new V1Patch($$"""{"spec":{{specJson}}}""", V1Patch.PatchType.MergePatch),
            ApiGroup.Group, ApiGroup.Version, "proxmoxproviders", name);

    public Task DeleteContainerAsync(string name) =>
        Kube.CustomObjects.DeleteNamespacedCustomObjectAsync(ApiGroup.Group, ApiGroup.Version, Namespace, "lxccontainers", name);

    public Task DeleteProviderAsync(string name) =>
        Kube.CustomObjects.DeleteClusterCustomObjectAsync(ApiGroup.Group, ApiGroup.Version, "proxmoxproviders", name);

    public async Task<bool> ContainerExistsAsync(string name)
    {
        try
        {
            await GetContainerAsync(name);
            return true;
        }
        catch (HttpOperationException error) when (error.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>Waits until the container's Ready condition has this status and reason (reason null: any).</summary>
    public Task<V1Alpha1LxcContainer> WaitForContainerAsync(string name, string status, string? reason = null, TimeSpan? timeout = null) =>
        WaitForAsync(() => GetContainerAsync(name), c => c.Status.Conditions, c => c.Metadata.Generation, status, reason, $"container {name}", timeout);

    public Task<V1Alpha1ProxmoxProvider> WaitForProviderAsync(string name, string status, string? reason = null, TimeSpan? timeout = null) =>
        WaitForAsync(() => GetProviderAsync(name), p => p.Status.Conditions, p => p.Metadata.Generation, status, reason, $"provider {name}", timeout);

    public async Task<V1Alpha1LxcContainer> WaitForContainerAsync(string name, Func<V1Alpha1LxcContainer, bool> condition, string because, TimeSpan? timeout = null)
    {
        V1Alpha1LxcContainer? last = null;
        await Eventually.TrueAsync(async () => condition(last = await GetContainerAsync(name)),
            () => $"{because}; last status: {KubernetesJson.Serialize(last?.Status)}", timeout ?? TimeSpan.FromSeconds(30));
        return last!;
    }

    /// <summary>Runs the real kubectl against the control plane; returns exit code and output.</summary>
    public async Task<(int ExitCode, string Output)> KubectlAsync(params string[] arguments)
    {
        var result = await Tools.KubectlAsync(controlPlane.KubeconfigPath, arguments);
        return (result.ExitCode, result.Output);
    }

    /// <summary>Events about an object; those about cluster-scoped objects (providers) live in "default".</summary>
    public async Task<IReadOnlyList<Corev1Event>> EventsForAsync(string name, bool clusterScoped = false)
    {
        var events = await Kube.CoreV1.ListNamespacedEventAsync(clusterScoped ? "default" : Namespace);
        return events.Items.Where(e => e.InvolvedObject.Name == name).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            // Delete while the operator still runs, so it removes its finalizers.
            var containers = await Kube.CustomObjects.ListNamespacedCustomObjectAsync(ApiGroup.Group, ApiGroup.Version, Namespace, "lxccontainers");
            var list = KubernetesJson.Deserialize<V1Alpha1LxcContainerList>(KubernetesJson.Serialize(containers));
            foreach (var container in list.Items)
            {
                await DeleteContainerAsync(container.Metadata.Name);
            }

            foreach (var provider in providers)
            {
                await IgnoreNotFound(() => DeleteProviderAsync(provider));
            }

            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(app is null ? 0 : 20);
            while (DateTime.UtcNow < deadline && !await AllGoneAsync())
            {
                await Task.Delay(100);
            }

            await StripFinalizersAsync();
        }
        finally
        {
            if (app is not null)
            {
                await app.StopAsync();
                await app.DisposeAsync();
            }

            foreach (var simulator in simulators)
            {
                await simulator.DisposeAsync();
            }

            await IgnoreNotFound(() => Kube.CoreV1.DeleteNamespaceAsync(Namespace));
            foreach (var file in temporaryFiles)
            {
                File.Delete(file);
            }
        }
    }

    private async Task<bool> AllGoneAsync()
    {
        var containers = await Kube.CustomObjects.ListNamespacedCustomObjectAsync(ApiGroup.Group, ApiGroup.Version, Namespace, "lxccontainers");
        if (KubernetesJson.Deserialize<V1Alpha1LxcContainerList>(KubernetesJson.Serialize(containers)).Items.Count > 0)
        {
            return false;
        }

        foreach (var provider in providers)
        {
            try
            {
                await GetProviderAsync(provider);
                return false;
            }
            catch (HttpOperationException error) when (error.Response.StatusCode == HttpStatusCode.NotFound)
            {
            }
        }

        return true;
    }

    // A test that left something stuck must not leave it to the next test's operator.
    private async Task StripFinalizersAsync()
    {
        var patch = new V1Patch("""{"metadata":{"finalizers":null}}""", V1Patch.PatchType.MergePatch);
        var containers = await Kube.CustomObjects.ListNamespacedCustomObjectAsync(ApiGroup.Group, ApiGroup.Version, Namespace, "lxccontainers");
        foreach (var container in KubernetesJson.Deserialize<V1Alpha1LxcContainerList>(KubernetesJson.Serialize(containers)).Items)
        {
            await IgnoreNotFound(() => Kube.CustomObjects.PatchNamespacedCustomObjectAsync(patch, ApiGroup.Group, ApiGroup.Version, Namespace, "lxccontainers", container.Metadata.Name));
        }

        foreach (var provider in providers)
        {
            await IgnoreNotFound(() => Kube.CustomObjects.PatchClusterCustomObjectAsync(patch, ApiGroup.Group, ApiGroup.Version, "proxmoxproviders", provider));
        }
    }

    private static async Task IgnoreNotFound(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (HttpOperationException error) when (error.Response.StatusCode == HttpStatusCode.NotFound)
        {
        }
    }

    /// <summary>
    /// Applies config/rbac, lets the operator's ServiceAccount read Secrets in this test's namespace, and returns
    /// a token for it: the operator then runs with exactly the permissions users install.
    /// </summary>
    public async Task<string> OperatorTokenAsync()
    {
        var token = await OperatorIdentity.ApplyRbacAndCreateTokenAsync(controlPlane.KubeconfigPath);
        if (!secretReadGranted)
        {
            await OperatorIdentity.GrantSecretReadAsync(Kube, Namespace);
            secretReadGranted = true;
        }

        return token;
    }

    /// <summary>A kubeconfig file for operator processes, authenticated as the operator's ServiceAccount.</summary>
    public async Task<string> OperatorKubeconfigAsync()
    {
        var path = Path.Combine(Path.GetTempPath(), $"pve-operator-{Namespace}.kubeconfig");
        temporaryFiles.Add(path);
        return await OperatorIdentity.WriteKubeconfigAsync(controlPlane.KubeconfigPath, await OperatorTokenAsync(), path);
    }

    /// <summary>
    /// Stops the in-process operator (as a rolling update or a crash-free restart would) without touching what it
    /// manages; <see cref="RestartOperatorAsync"/> starts a new instance with the same settings.
    /// </summary>
    public async Task StopOperatorAsync()
    {
        if (app is null)
        {
            return;
        }

        var stopping = app;
        app = null;
        await stopping.StopAsync();
        await stopping.DisposeAsync();
    }

    /// <summary>Stops the in-process operator if it runs and starts a new instance: nothing survives but what is in Kubernetes and PVE.</summary>
    public async Task RestartOperatorAsync()
    {
        await StopOperatorAsync();
        Metrics = Prometheus.Metrics.NewCustomRegistry();
        await StartOperatorAsync(operatorSettings, operatorConfigure);
    }

    private async Task StartOperatorAsync(ContainerControllerSettings settings, Func<OperatorOptions, OperatorOptions>? configureOptions)
    {
        operatorSettings = settings;
        operatorConfigure = configureOptions;
        var operatorConfiguration = OperatorIdentity.ConfigurationFor(controlPlane.Configuration, await OperatorTokenAsync());
        var options = new OperatorOptions
        {
            MetricsBindAddress = "0",
            HealthProbeBindAddress = "0",
            LogLevel = "Debug",
            MaxConcurrentReconciles = 4,
            SecretNamespace = Namespace,
            // The providers here sync every second (5 s is the floor for users).
            MinSyncInterval = TimeSpan.FromSeconds(1),
        };
        options = configureOptions?.Invoke(options) ?? options;
        app = OperatorHost.Build(options, operatorConfiguration, settings, Metrics, logging =>
        {
            logging.ClearProviders();
            logging.AddProvider(new TestOutputLoggerProvider(output, "op "));
            logging.AddProvider(new CapturingLoggerProvider(Log));
        }, informers => informers with { WatchEventDelay = cacheLag });
        await app.StartAsync();
    }

    private static async Task<T> WaitForAsync<T>(
        Func<Task<T>> read, Func<T, IReadOnlyList<V1Condition>?> conditions, Func<T, long?> generation,
        string status, string? reason, string what, TimeSpan? timeout)
    {
        T? last = default;
        await Eventually.TrueAsync(async () =>
        {
            last = await read();
            var ready = ConditionList.Find(conditions(last), ConditionTypes.Ready);
            return ready is not null && ready.Status == status && (reason is null || ready.Reason == reason)
                && ready.ObservedGeneration == generation(last);
        }, () => $"{what} is Ready={status}{(reason is null ? "" : $" ({reason})")}; conditions: " +
            KubernetesJson.Serialize(last is null ? null : conditions(last)), timeout ?? TimeSpan.FromSeconds(30));
        return last!;
    }

    private static async Task InstallCrdsAsync(IKubernetes client)
    {
        foreach (var file in OperatorCrdFiles.ForKubernetes120())
        {
            await TestCrds.ApplyAsync(client, await File.ReadAllTextAsync(file));
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

        throw new InvalidOperationException("repository root not found");
    }
}
