using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace PveOperator.Runtime;

/// <summary>
/// Runs informers and controllers together (controller-runtime's manager). Informers run on every
/// replica, so a standby's cache is warm; controllers run only on the leader when leader election is on.
/// <example>
/// <code>
/// var manager = new ControllerManager(client, loggerFactory, new ControllerManagerOptions
/// {
///     LeaderElection = new LeaderElectionSettings("pve-operator-system", "pve-operator-leader"),
/// });
/// var providers = manager.AddController(
///     new ProxmoxProviderReconciler(manager.StatusWriterFor&lt;ProxmoxProvider&gt;(), manager.EventRecorder),
///     options => { options.FinalizerName = "pve.example.io/finalizer"; options.MaxConcurrentReconciles = 2; });
/// providers.Cache.AddIndex("secret", p => [EntityKey.Create(p.Spec.SecretRef.Namespace, p.Spec.SecretRef.Name)]);
/// providers.Watches&lt;V1Secret&gt;(secret => providers.Cache.KeysByIndex("secret", EntityKey.Of(secret)));
/// await manager.RunAsync(stoppingToken);
/// </code>
/// </example>
/// </summary>
internal sealed partial class ControllerManager : IInformerProvider
{
    private readonly IKubernetes client;
    private readonly ILoggerFactory loggerFactory;
    private readonly ControllerManagerOptions options;
    private readonly TimeProvider clock;
    private readonly ILogger logger;
    private readonly LeaderElectionRunner? leaderElection;
    private readonly Lock gate = new();
    private readonly Dictionary<Type, IInformer> informers = [];
    private readonly List<IController> controllers = [];
    private volatile bool running;

    public ControllerManager(
        IKubernetes client,
        ILoggerFactory loggerFactory,
        ControllerManagerOptions? options = null,
        TimeProvider? timeProvider = null)
    {
        this.client = client;
        this.loggerFactory = loggerFactory;
        this.options = options ?? new ControllerManagerOptions();
        clock = timeProvider ?? TimeProvider.System;
        logger = loggerFactory.CreateLogger<ControllerManager>();
        EventRecorder = new EventRecorder(client, loggerFactory.CreateLogger<EventRecorder>(), this.options.Events, clock);
        if (this.options.LeaderElection is { } election)
        {
            leaderElection = new LeaderElectionRunner(client, election, loggerFactory.CreateLogger<LeaderElectionRunner>(), clock);
        }
    }

    public IEventRecorder EventRecorder { get; }

    /// <summary>Whether this replica runs controllers now: always when running without leader election.</summary>
    public bool IsLeader => leaderElection?.IsLeader ?? running;

    /// <summary>Whether every informer has its first list (a readiness signal).</summary>
    public bool HasSynced
    {
        get
        {
            lock (gate)
            {
                return informers.Values.All(informer => informer.HasSynced);
            }
        }
    }

    public IEntityClient<TEntity> ClientFor<TEntity>()
        where TEntity : class, IKubernetesObject<V1ObjectMeta> => new CustomResourceClient<TEntity>(client);

    /// <summary>
    /// A status writer whose answers the kind's informer keeps until its cache catches up, so that the next reconcile
    /// decides on what was written (read-your-writes over a cache that may lag).
    /// </summary>
    public IStatusWriter<TEntity> StatusWriterFor<TEntity>()
        where TEntity : class, IKubernetesObject<V1ObjectMeta> =>
        new StatusWriter<TEntity>(new OwnWriteRecordingClient<TEntity>(ClientFor<TEntity>(), GetInformer<TEntity>().OwnWrites));

    public EntityInformer<TEntity> GetInformer<TEntity>(IListWatch<TEntity>? listWatch = null)
        where TEntity : class, IKubernetesObject<V1ObjectMeta>
    {
        lock (gate)
        {
            if (informers.TryGetValue(typeof(TEntity), out var existing))
            {
                return (EntityInformer<TEntity>)existing;
            }

            ThrowIfRunning();
            var informer = new EntityInformer<TEntity>(
                listWatch ?? DefaultListWatch<TEntity>(),
                loggerFactory.CreateLogger($"{typeof(EntityInformer<>).Namespace}.Informer.{typeof(TEntity).Name}"),
                clock,
                options.Informers);
            informers[typeof(TEntity)] = informer;
            return informer;
        }
    }

    /// <summary>Adds a controller for a custom resource kind; add them all before <see cref="RunAsync"/>.</summary>
    public Controller<TEntity> AddController<TEntity>(IReconciler<TEntity> reconciler, Action<ControllerOptions>? configure = null)
        where TEntity : class, IKubernetesObject<V1ObjectMeta>
    {
        var controllerOptions = new ControllerOptions();
        configure?.Invoke(controllerOptions);
        var controller = new Controller<TEntity>(
            reconciler,
            ClientFor<TEntity>(),
            GetInformer<TEntity>(),
            controllerOptions,
            loggerFactory.CreateLogger($"{typeof(Controller<>).Namespace}.Controller.{typeof(TEntity).Name}"),
            clock,
            options.MetricsRegistry,
            this);
        lock (gate)
        {
            ThrowIfRunning();
            controllers.Add(controller);
        }

        return controller;
    }

    /// <summary>
    /// Runs until <paramref name="cancellationToken"/> is cancelled: informers at once, controllers while
    /// leading. On cancellation watches stop, reconciles in progress finish (each controller's graceful
    /// shutdown timeout bounds them) and the Lease is released.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        IInformer[] allInformers;
        lock (gate)
        {
            ThrowIfRunning();
            running = true;
            allInformers = [.. informers.Values];
        }

        LogStarting(allInformers.Length, controllers.Count, leaderElection?.Identity);
        var informerRuns = allInformers.Select(informer => Task.Run(() => informer.RunAsync(cancellationToken), CancellationToken.None)).ToArray();
        try
        {
            if (leaderElection is null)
            {
                await RunControllersAsync(cancellationToken, CancellationToken.None).ConfigureAwait(false);
            }
            else
            {
                await leaderElection.RunAsync(RunControllersAsync, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            await Task.WhenAll(informerRuns).ConfigureAwait(false);
            running = false;
            LogStopped();
        }
    }

    // Each controller waits for the caches it watches and names with ReadsFrom (controller-runtime's WaitForCacheSync
    // per controller), not for every cache: a provider connects while ten thousand containers are still being listed.
    private Task RunControllersAsync(CancellationToken stop, CancellationToken abort) =>
        Task.WhenAll(controllers.Select(controller => controller.RunAsync(stop, abort)));

    private IListWatch<TEntity> DefaultListWatch<TEntity>()
        where TEntity : class, IKubernetesObject<V1ObjectMeta>
    {
        if (typeof(TEntity) == typeof(V1Secret))
        {
            return (IListWatch<TEntity>)ListWatches.Secrets(client, options.WatchNamespace);
        }

        if (typeof(TEntity) == typeof(V1ConfigMap))
        {
            return (IListWatch<TEntity>)ListWatches.ConfigMaps(client, options.WatchNamespace);
        }

        if (EntityMetadata.For<TEntity>().IsCoreGroup)
        {
            throw new NotSupportedException(
                $"No default list-watch for core kind {typeof(TEntity).Name}: pass one to GetInformer.");
        }

        return ListWatches.CustomResources<TEntity>(client, options.WatchNamespace);
    }

    private void ThrowIfRunning()
    {
        if (running)
        {
            throw new InvalidOperationException("Add informers and controllers before the manager runs.");
        }
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Starting {Informers} informers and {Controllers} controllers (leader election identity: {Identity})")]
    private partial void LogStarting(int informers, int controllers, string? identity);

    [LoggerMessage(Level = LogLevel.Information, Message = "Controller manager stopped")]
    private partial void LogStopped();
}
