using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;
using PveOperator.Controllers;
using PveOperator.Entities;
using PveOperator.Proxmox;
using PveOperator.Runtime;

namespace PveOperator.Hosting;

/// <summary>Builds the operator process: the controller manager with both controllers, probes and metrics.</summary>
internal static class OperatorHost
{
    public static WebApplication Build(
        OperatorOptions options,
        KubernetesClientConfiguration kubernetesConfig,
        ContainerControllerSettings? containerSettings = null,
        CollectorRegistry? metricsRegistry = null,
        Action<ILoggingBuilder>? configureLogging = null,
        Func<InformerOptions, InformerOptions>? configureInformers = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (options.JsonLogs)
        {
            // Scopes carry each reconcile's controller, key and reconcileID.
            builder.Logging.AddJsonConsole(o => o.IncludeScopes = true);
        }
        else
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.IncludeScopes = true;
                o.TimestampFormat = "HH:mm:ss.fff ";
            });
        }

        builder.Logging.SetMinimumLevel(Enum.Parse<LogLevel>(options.LogLevel, ignoreCase: true));
        // The HTTP stack logs every request at Information; probes and scrapes would drown the operator's own lines.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        configureLogging?.Invoke(builder.Logging);

        var metrics = BindAddress.Parse(options.MetricsBindAddress, "metrics-bind-address");
        var probes = BindAddress.Parse(options.HealthProbeBindAddress, "health-probe-bind-address");
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            if (metrics is not null)
            {
                kestrel.Listen(metrics);
            }

            if (probes is not null && (metrics is null || probes.Port != metrics.Port))
            {
                kestrel.Listen(probes);
            }

            if (metrics is null && probes is null)
            {
                // With both endpoints off Kestrel would fall back to its default port 5000; a free loopback port
                // serves nothing and collides with nothing.
                kestrel.Listen(System.Net.IPAddress.Loopback, 0);
            }
        });

        var registry = metricsRegistry ?? Metrics.DefaultRegistry;
        var settings = containerSettings ?? new ContainerControllerSettings();
        if (options.IpRefreshPerMinute is { } ipRefreshBudget)
        {
            settings = settings with { IpRefreshBudgetPerMinute = ipRefreshBudget };
        }

        if (options.ConfigRefreshInterval is { } configRefresh)
        {
            settings = settings with { ConfigRefreshInterval = configRefresh };
        }

        if (options.ConfigRefreshPerMinute is { } configBudget)
        {
            settings = settings with { ConfigRefreshBudgetPerMinute = configBudget };
        }

        if (options.LockStaleAfter is { } lockStaleAfter)
        {
            settings = settings with { LockStaleAfter = lockStaleAfter };
        }

        if (options.MaxAllocationsPerStorage is { } allocations)
        {
            settings = settings with { MaxAllocationsPerStorage = allocations };
        }
        var services = builder.Services;
        services.AddSingleton<IKubernetes>(_ => new Kubernetes(kubernetesConfig));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(settings);
        services.AddSingleton(sp => new ProviderRegistry(clock: sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(new PveMetrics(registry));
        services.AddSingleton<IPveClientFactory, PveClientFactory>();
        services.AddSingleton<ISecretReader, KubernetesSecretReader>();
        services.AddSingleton(new EventChannel<ContainerSignal>());
        services.AddSingleton(sp => CreateManager(sp, options, settings, registry, configureInformers));
        services.AddHostedService<ControllerManagerHostedService>();
        services.AddHostedService<HeapTrimmer>();

        var app = builder.Build();
        var manager = app.Services.GetRequiredService<ControllerManager>();
        if (probes is not null)
        {
            var probeHost = $"*:{probes.Port}";
            // Plain RequestDelegates rather than minimal-API lambdas: no reflection or generated binding code is needed,
            // which keeps the NativeAOT publish free of trimming warnings.
            app.MapGet("/healthz", new RequestDelegate(context => PlainText(context, StatusCodes.Status200OK, "ok"))).RequireHost(probeHost);
            // Followers are ready too once their caches are synced: they serve probes and wait for the lease.
            app.MapGet("/readyz", new RequestDelegate(context => manager.HasSynced
                    ? PlainText(context, StatusCodes.Status200OK, "ok")
                    : PlainText(context, StatusCodes.Status503ServiceUnavailable, "caches not synced")))
                .RequireHost(probeHost);
        }

        if (metrics is not null)
        {
            app.MapMetrics("/metrics", registry).RequireHost($"*:{metrics.Port}");
        }

        return app;
    }

    /// <summary>What Results.Text writes: the status, text/plain in UTF-8 and the body.</summary>
    private static Task PlainText(HttpContext context, int statusCode, string body)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(body, context.RequestAborted);
    }

    /// <param name="configureInformers">Tests only: e.g. a cache that lags the API server (InformerOptions.WatchEventDelay).</param>
    private static ControllerManager CreateManager(
        IServiceProvider services, OperatorOptions options, ContainerControllerSettings settings, CollectorRegistry registry,
        Func<InformerOptions, InformerOptions>? configureInformers)
    {
        var loggerFactory = services.GetRequiredService<ILoggerFactory>();
        var client = services.GetRequiredService<IKubernetes>();
        var clock = services.GetRequiredService<TimeProvider>();
        var manager = new ControllerManager(client, loggerFactory, new ControllerManagerOptions
        {
            MetricsRegistry = registry,
            // A few informers retrying every 5 s cost the API server nothing; waiting 30 s after it is back would.
            Informers = (configureInformers ?? (o => o))(new InformerOptions { MaxBackoff = TimeSpan.FromSeconds(5) }),
            LeaderElection = options.LeaderElect
                ? new LeaderElectionSettings(options.LeaderElectionNamespace, options.LeaderElectionId)
                : null,
        }, clock);

        // Only labelled Secrets of the Secret namespace are watched: the cache holds credentials and nothing else.
        var secrets = manager.GetInformer(ListWatches.Secrets(client, options.SecretNamespace, $"{ProviderPolicy.CredentialsLabel}=true"));
        var providers = services.GetRequiredService<ProviderRegistry>();
        var signals = services.GetRequiredService<EventChannel<ContainerSignal>>();
        var providerReconciler = new ProxmoxProviderReconciler(
            providers,
            services.GetRequiredService<IPveClientFactory>(),
            new CachedSecretReader(secrets.Cache, services.GetRequiredService<ISecretReader>()),
            manager.StatusWriterFor<V1Alpha1ProxmoxProvider>(),
            manager.EventRecorder,
            signals,
            settings,
            new ProviderMetrics(registry),
            clock,
            loggerFactory.CreateLogger<ProxmoxProviderReconciler>(),
            new ProviderPolicy(options.SecretNamespace, options.AllowInsecureTls, options.TicketRenewAfter, options.MinSyncInterval));
        var providerController = manager.AddController(providerReconciler, o =>
        {
            o.Name = "proxmoxprovider";
            o.FinalizerName = ProxmoxProviderReconciler.FinalizerName;
            // Providers are few and every container's observation hangs on their sync: after a Kubernetes API
            // outage they must look again within seconds, not after minutes of doubled backoff.
            o.BackoffMaxDelay = TimeSpan.FromSeconds(5);
            // The status records each sync's time: reacting to our own writes would sync in a loop.
            o.IgnoreStatusOnlyUpdates = true;
            o.MaxConcurrentReconciles = options.MaxConcurrentReconciles;
        });

        // A rotated token takes effect at once: a changed Secret wakes the providers that name it.
        providerController.Watches(secrets, secret => providerController.Cache.List()
            .Where(p => CredentialsRef(p.Spec) is { } reference
                && reference.Namespace == secret.Metadata.NamespaceProperty && reference.Name == secret.Metadata.Name)
            .Select(EntityKey.Of));

        var containerCache = manager.GetInformer<V1Alpha1LxcContainer>().Cache;
        ContainerIndexes.AddTo(containerCache);

        // Namespace labels decide which providers a namespace's containers may use (spec.allowedNamespaces.selector).
        var namespaces = manager.GetInformer(ListWatches.Namespaces(client));

        var containerReconciler = new LxcContainerReconciler(
            providers,
            providerController.Cache,
            containerCache,
            manager.StatusWriterFor<V1Alpha1LxcContainer>(),
            manager.EventRecorder,
            settings,
            clock,
            Random.Shared,
            loggerFactory.CreateLogger<LxcContainerReconciler>(),
            services.GetRequiredService<ISecretReader>(),
            new TenancyGate(
                name => providerController.Cache.Get(name)?.Spec.AllowedNamespaces,
                name => namespaces.Cache.Get(name)?.Metadata.Labels is { } labels ? new Dictionary<string, string>(labels) : null));
        var containerController = manager.AddController(containerReconciler, o =>
        {
            o.Name = "lxccontainer";
            o.FinalizerName = LxcContainerReconciler.FinalizerName;
            o.IgnoreStatusOnlyUpdates = true;
            o.MaxConcurrentReconciles = options.MaxConcurrentReconciles;
        });
        // A container's reconcile reads its provider and its namespace from these caches: an empty provider cache after
        // a restart would read as "provider deleted" and release a deleting container with ProviderGone.
        containerController.ReadsFrom(manager.GetInformer<V1Alpha1ProxmoxProvider>(), namespaces);
        containerController.Watches(signals, signal => ContainerWakeups.For(signal, containerCache));
        containerController.WatchesOwnChanges(change => ContainerWakeups.ForClaimants(change, containerCache));
        WatchTenancyChanges(containerController, manager.GetInformer<V1Alpha1ProxmoxProvider>(), namespaces);
        return manager;
    }

    private const string ByNamespace = "namespace";

    /// <summary>
    /// Re-evaluates the tenancy gate when what it reads changes: a namespace's labels (its containers) or a provider's
    /// allowedNamespaces (the provider's containers). Other changes (each sync's status) wake nobody.
    /// </summary>
    private static void WatchTenancyChanges(
        Controller<V1Alpha1LxcContainer> containers, EntityInformer<V1Alpha1ProxmoxProvider> providers, EntityInformer<k8s.Models.V1Namespace> namespaces)
    {
        containers.Cache.AddIndex(ByNamespace, c => [c.Metadata.NamespaceProperty ?? ""]);
        namespaces.AddHandler(change =>
        {
            if (change.Previous is { } previous && SameLabels(previous.Metadata.Labels, change.Entity.Metadata.Labels))
            {
                return;
            }

            foreach (var key in containers.Cache.KeysByIndex(ByNamespace, change.Entity.Metadata.Name))
            {
                containers.Enqueue(key);
            }
        });
        providers.AddHandler(change =>
        {
            if (change.Previous is { } previous && NamespaceAdmission.SameRules(previous.Spec.AllowedNamespaces, change.Entity.Spec.AllowedNamespaces))
            {
                return;
            }

            foreach (var key in containers.Cache.KeysByIndex(ContainerIndexes.ByProvider, change.Entity.Metadata.Name))
            {
                containers.Enqueue(key);
            }
        });
    }

    private static bool SameLabels(IDictionary<string, string>? a, IDictionary<string, string>? b) =>
        (a?.Count ?? 0) == (b?.Count ?? 0) && (a is null || a.All(pair => b!.TryGetValue(pair.Key, out var value) && value == pair.Value));

    private static SecretKeyReference? CredentialsRef(ProxmoxProviderSpec spec) => spec.PasswordAuth?.SecretRef ?? spec.SecretRef;
}
