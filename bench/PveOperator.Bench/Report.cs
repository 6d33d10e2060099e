using System.Globalization;
using System.Text;

namespace PveOperator.Bench;

/// <summary>The one table (console and Markdown), the settings, the machine and the per-endpoint breakdowns.</summary>
internal sealed class Report(
    BenchSettings settings, IReadOnlyList<SizeResult> results, IReadOnlyList<LifecycleResult> lifecycle, IReadOnlyList<ConfigResult> config,
    Machine machine, TimeSpan duration, string operatorBuild)
{
    private const double MiB = 1024 * 1024;

    private sealed record Row(string Metric, Func<SizeResult, string> Value, string Target = "", Func<IReadOnlyList<SizeResult>, bool?>? Met = null);

    private static string F(double value, int decimals = 1) =>
        double.IsNaN(value) ? "n/a" : value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    /// <summary>The operator's defaults: every running container's addresses every 10 min, at most 20 refreshes a minute.</summary>
    public const double IpRefreshMinutes = 10;
    public const double IpRefreshBudgetPerMinute = 20;

    /// <summary>The operator's defaults: every container's config re-read every 10 min, at most 20 reads a minute (ContainerControllerSettings).</summary>
    public const double ConfigRefreshMinutes = 10;
    public const double ConfigRefreshBudgetPerMinute = 20;

    /// <summary>The periodic config read's long-run rate: N / interval, the interval stretched to N / budget minutes.</summary>
    private double ConfigRefreshPerMinute(SizeResult r) =>
        settings.FullSpec ? Math.Min(r.Size / ConfigRefreshMinutes, ConfigRefreshBudgetPerMinute) : 0;

    /// <summary>
    /// Cluster-level requests as measured, plus the slow address refresh and (full spec) the periodic config read at
    /// their long-run rates: a window right after convergence sees neither (the first rounds are due 10 minutes after
    /// each start and each first read).
    /// </summary>
    private double LongRun(SizeResult r) =>
        r.SteadyPerMinute - r.SteadyPerContainerPerMinute + Math.Min(r.Size / IpRefreshMinutes, IpRefreshBudgetPerMinute) + ConfigRefreshPerMinute(r);

    private static SizeResult? At(IReadOnlyList<SizeResult> all, int size) => all.FirstOrDefault(r => r.Size == size) ?? all.LastOrDefault();

    /// <summary>Each provider's sync: /cluster/status and /cluster/resources once per sync interval.</summary>
    private double SyncRequestsPerProviderPerMinute => 2 * 60 / settings.SyncInterval.TotalSeconds;

    private static double GetsPerMinute(SizeResult r, string resource) =>
        r.SteadyKubernetes.GetValueOrDefault($"GET {resource}") / r.SteadyWindow.TotalMinutes;

    private IReadOnlyList<Row> Rows() =>
    [
        new("ProxmoxProviders (simulated clusters of 3 nodes)", r => r.Providers.ToString(CultureInfo.InvariantCulture)),
        new("Create N LxcContainers (s, API server)", r => $"{F(r.CreateTime.TotalSeconds)} ({F(r.Size / r.CreateTime.TotalSeconds, 0)}/s)"),
        new("Process start → first reconcile (ms)", r => F(r.FirstReconcile.TotalMilliseconds, 0), "≤ 2000",
            all => all.All(r => r.FirstReconcile <= TimeSpan.FromSeconds(2))),
        new("Process start → first LxcContainer reconcile (ms)", r => F(r.FirstContainerReconcile.TotalMilliseconds, 0)),
        new("Cold convergence: all Ready (s)", r => F(r.Convergence.TotalSeconds)),
        new("Physical limit ceil(N/(providers×nodes×parallel))×task (s)", r => F(r.PhysicalLimit.TotalSeconds)),
        new("Convergence ÷ physical limit", r => F(r.Convergence / r.PhysicalLimit, 2), "≤ 1.10",
            all => all.All(r => r.Convergence / r.PhysicalLimit <= 1.10)),
        new("Lock-timeout task failures (other failed tasks)", r => $"{r.LockTimeoutFailures} ({r.FailedTasks - r.LockTimeoutFailures})", "0",
            all => all.All(r => r.FailedTasks == 0)),
        new("PVE requests while converging (per container)", r => $"{r.ConvergenceRequests} ({F(r.ConvergenceRequests / (double)r.Size)})"),
        new("Status writes while converging (per container)", r => $"{r.ConvergenceStatusWrites} ({F(r.ConvergenceStatusWrites / r.Size)})"),
        new("Steady: PVE requests/min", r => F(r.SteadyPerMinute), $"{F(SyncRequestsPerProviderPerMinute, 0)} × providers",
            all => all.All(r => r.SteadyPerMinute - r.SteadyPerContainerPerMinute <= 1.1 * SyncRequestsPerProviderPerMinute * r.Providers + 0.5)),
        new("Steady: per-container PVE requests/min", r => F(r.SteadyPerContainerPerMinute), "0 + refresh budgets"),
        new(settings.FullSpec ? "Long run: PVE requests/min with the IP- and config-refresh budgets (computed)" : "Long run: PVE requests/min with the IP-refresh budget (computed)",
            r => F(LongRun(r))),
        new("Per-container polling baseline (req/min)", r => F(r.BaselinePerMinute, 0)),
        new("Baseline ÷ operator (long run)", r => F(r.BaselinePerMinute / LongRun(r), 0) + "x", "≥ 50x at N=1000",
            all => At(all, 1000) is { } r ? r.BaselinePerMinute / LongRun(r) >= 50 : null),
        new("Max PVE requests in flight per node (converging / steady)", r => $"{r.ConvergenceMaxInFlightPerNode} / {r.SteadyMaxInFlightPerNode}", "≤ 2 (client cap)",
            all => all.All(r => r.MaxInFlightOverall <= 2)),
        new("Steady: LxcContainer status writes", r => F(r.SteadyContainerStatusWrites, 0), "0",
            all => all.All(r => r.SteadyContainerStatusWrites == 0)),
        new("Steady: containers Synced=True (full spec)", r => settings.FullSpec ? $"{r.SteadySynced}/{r.Size}" : "–", settings.FullSpec ? "all" : "",
            all => settings.FullSpec ? all.All(r => r.SteadySynced == r.Size) : null),
        new("Steady: ProxmoxProvider status writes/min", r => F(r.SteadyProviderStatusWrites / r.SteadyWindow.TotalMinutes)),
        new("Steady: Kubernetes API requests/min (all verbs but WATCH)", r => F(r.SteadyKubernetesRequestsPerMinute)),
        new("Steady: GETs of LxcContainers / Secrets per min", r => $"{F(GetsPerMinute(r, "lxccontainers"))} / {F(GetsPerMinute(r, "secrets"))}",
            "0 / 0 (cache reads)", all => all.All(r => GetsPerMinute(r, "lxccontainers") == 0 && GetsPerMinute(r, "secrets") == 0)),
        new("Reaction p50 (ms)", r => F(r.Percentile(50)), "< 50", all => all.All(r => r.Percentile(50) < 50)),
        new("Reaction p99 (ms)", r => F(r.Percentile(99)), "< 250", all => all.All(r => r.Percentile(99) < 250)),
        new("Reaction max (ms) / flips / timeouts", r => $"{F(r.ReactionMs.Count == 0 ? double.NaN : r.ReactionMs.Max())} / {r.ReactionMs.Count} / {r.ReactionTimeouts}"),
        new("Idle RSS (MiB)", r => F(r.IdleRssBytes / MiB, 0), "< 100 at N=1000 and 10,000",
            all => all.Where(r => r.Size is 1000 or 10_000).Select(r => (bool?)(r.IdleRssBytes / MiB < 100)).DefaultIfEmpty(null).Aggregate((a, b) => a & b)),
        new("Idle RSS: anonymous / file / shmem (MiB)", r => $"{F(r.IdleRssParts.Anon / MiB, 0)} / {F(r.IdleRssParts.File / MiB, 0)} / {F(r.IdleRssParts.Shmem / MiB, 0)}"),
        new("Peak RSS (MiB)", r => F(r.PeakRssBytes / MiB, 0), "< 128 (limit)", all => all.All(r => r.PeakRssBytes / MiB < 128)),
        new("In a memory cgroup: limit (MiB) / all Ready (s) / ÷ physical limit", r => r.MemoryLimited is not { } m ? "–"
            : m.Skipped is not null ? "not run" : $"{m.LimitMiB} / {(m.Convergence is { } c ? F(c.TotalSeconds) : "not converged")} / {(m.Convergence is { } d ? F(d / r.PhysicalLimit, 2) : "–")}",
            "≤ 1.10", all => all.Any(r => r.MemoryLimited is { Skipped: null }) ? all.Where(r => r.MemoryLimited is { Skipped: null })
                .All(r => r.MemoryLimited!.Convergence is { } c && c / r.PhysicalLimit <= 1.10) : null),
        new("In a memory cgroup: peak RSS / cgroup peak (MiB), limit hits, OOM kills", r => r.MemoryLimited is not { Skipped: null } m ? "–"
            : $"{F(m.PeakRssBytes / MiB, 0)} / {F(m.CgroupPeakBytes / MiB, 0)}, {m.LimitHits}, {m.OomKills}{(m.ExitCode is { } code ? $" (exit {code})" : "")}",
            "0 OOM kills", all => all.Any(r => r.MemoryLimited is { Skipped: null }) ? all.Where(r => r.MemoryLimited is { Skipped: null }).All(r => r.MemoryLimited!.OomKills <= 0 && r.MemoryLimited.ExitCode is null or 0) : null),
        new("Idle CPU (% of one core)", r => F(r.IdleCpuPercent, 2)),
        new("CPU time to converge (s)", r => F(r.ConvergenceCpu.TotalSeconds)),
        new("Leader killed → new leader reconciling (s)", r => r.Failover is { } f ? F(f.TotalSeconds) : "–", "≤ 20",
            all => all.Any(r => r.Failover is not null) ? all.Where(r => r.Failover is not null).All(r => r.Failover <= TimeSpan.FromSeconds(20)) : null),
        new("Status writes / PVE requests in the 20 s after the kill", r => r.FailoverStatusWrites is { } w ? $"{F(w, 0)} / {r.FailoverRequests}" : "–"),
    ];

    private sealed record LifecycleRow(string Metric, Func<LifecycleResult, string> Value, string Target = "", Func<IReadOnlyList<LifecycleResult>, bool?>? Met = null);

    /// <summary>The target of the issue: the operator's defaults within 1.15x of the simulator's physical limit.</summary>
    public const double LifecycleTarget = 1.15;

    private static string LifecycleColumn(LifecycleResult r) =>
        $"N={r.Size}, ≤{r.EffectiveAllocationLimit}/storage{(r.AllocationLimit is null ? " (default)" : "")}";

    /// <summary>The ratio targets are the operator's defaults': the other column shows what lifting its throttle gives.</summary>
    private static IEnumerable<LifecycleResult> Defaults(IReadOnlyList<LifecycleResult> all) =>
        all.Any(r => r.AllocationLimit is null) ? all.Where(r => r.AllocationLimit is null) : all;

    /// <summary>Judged on the default columns when there are any (see <see cref="Defaults"/>).</summary>
    private string RatioTarget => $"≤ {LifecycleTarget:F2}{(lifecycle.Any(r => r.AllocationLimit is null) ? " (default)" : "")}";

    private IReadOnlyList<LifecycleRow> LifecycleRows() =>
    [
        new("Apply N LxcContainers (s, API server; part of the create time)", r => F(r.ApplyTime.TotalSeconds)),
        new("Create: first request → all Ready (s)", r => F(r.CreateTime.TotalSeconds)),
        new("Destroy: first delete → all gone (s)", r => F(r.DestroyTime.TotalSeconds)),
        new("Physical limit, the larger bound (s)", r => F(r.PhysicalLimit.TotalSeconds)),
        new("  storage bound ceil(N/storages)×alloc + task (s)", r => F(r.StorageBound.TotalSeconds)),
        new("  node bound ceil(N/(nodes×parallel))×(alloc + task) (s)", r => F(r.NodeBound.TotalSeconds)),
        new("Operator's per-storage limit k allows ceil(N/(storages×k))×(alloc + task) (s)", r => F(r.ThrottleBound.TotalSeconds)),
        new("Create ÷ physical limit", r => F(r.CreateRatio, 2), RatioTarget,
            all => Defaults(all).All(r => r.CreateRatio <= LifecycleTarget)),
        new("Destroy ÷ physical limit", r => F(r.DestroyRatio, 2), RatioTarget,
            all => Defaults(all).All(r => r.DestroyRatio <= LifecycleTarget)),
        new("Lock-timeout task failures: vzcreate / vzdestroy", r => $"{r.CreateFailures.LockTimeouts} / {r.DestroyFailures.LockTimeouts}", "0",
            all => all.All(r => r.CreateFailures.LockTimeouts == 0 && r.DestroyFailures.LockTimeouts == 0)),
        new("Other failed tasks: vzcreate / vzdestroy", r => $"{r.CreateFailures.Other} / {r.DestroyFailures.Other}", "0",
            all => all.All(r => r.CreateFailures.Other == 0 && r.DestroyFailures.Other == 0)),
        new("vzcreate / vzdestroy tasks (N each when nothing is retried)", r => $"{r.CreateTasks} / {r.DestroyTasks}"),
        new("Containers left in PVE after the destroy", r => r.LeftInPve.ToString(CultureInfo.InvariantCulture), "0", all => all.All(r => r.LeftInPve == 0)),
        new("PVE requests per created container (create phase)", r => $"{F(r.CreateRequests / (double)r.Size)} ({r.CreateRequests})"),
        new("PVE requests per destroyed container (destroy phase)", r => $"{F(r.DestroyRequests / (double)r.Size)} ({r.DestroyRequests})"),
        new("LxcContainer status writes per created container", r => F(r.CreateStatusWrites / r.Size)),
        new("PVE side: last vzcreate / vzdestroy seen running (s after the phase's first request)",
            r => $"{F(r.CreateTasksDoneAfter?.TotalSeconds ?? double.NaN)} / {F(r.DestroyTasksDoneAfter?.TotalSeconds ?? double.NaN)}"),
        new("Tasks in PVE on average while they ran: create / destroy (node capacity nodes×parallel)",
            r => $"{F(r.CreateMeanTasks)} / {F(r.DestroyMeanTasks)} ({settings.Lifecycle.Nodes * settings.Lifecycle.ParallelTasksPerNode})"),
        new("Most vzcreate/vzdestroy tasks in PVE at once", r => r.MaxConcurrentTasks.ToString(CultureInfo.InvariantCulture)),
        new("Max PVE requests in flight per node", r => r.MaxInFlightPerNode.ToString(CultureInfo.InvariantCulture), "≤ 2 (client cap)",
            all => all.All(r => r.MaxInFlightPerNode <= 2)),
    ];

    private string LifecycleMarkdown()
    {
        var l = settings.Lifecycle;
        var text = new StringBuilder();
        text.AppendLine("## Lifecycle: create from a template, then destroy");
        text.AppendLine();
        text.AppendLine($"| metric | {string.Join(" | ", lifecycle.Select(LifecycleColumn))} | target | |");
        text.AppendLine($"|---|{string.Concat(lifecycle.Select(_ => "---:|"))}---|---|");
        foreach (var row in LifecycleRows())
        {
            text.AppendLine($"| {row.Metric} | {string.Join(" | ", lifecycle.Select(row.Value))} | {row.Target} | {Verdict(row.Met?.Invoke(lifecycle))} |");
        }

        text.AppendLine();
        text.AppendLine("The ratio targets are judged on the operator's defaults (the \"(default)\" columns); other columns, if any, run the same scenario with " +
            "the `--max-allocations-per-storage` they name (`--lifecycle-allocations`).");
        text.AppendLine();
        text.AppendLine("Settings:");
        text.AppendLine();
        text.AppendLine($"- Sizes: {string.Join(", ", l.Sizes)} LxcContainers applied at once ({l.RequestParallelism} requests at a time), each with `spec.create.template: {l.Template}`, " +
            $"`spec.create.storage` alternating over {string.Join(", ", l.Storages.Select(x => $"`{x}`"))}, no `spec.vmid` (allocated from the provider's `vmidRange` {l.VmidMin}-{l.VmidMax}), " +
            "no `spec.node` (placed by free memory), `powerState: Stopped`, `deletionPolicy: Delete`; then all deleted at once.");
        text.AppendLine($"- Simulator: {l.Nodes} nodes, at most {l.ParallelTasksPerNode} tasks per node at once (more wait in line); {l.Storages.Count} shared LVM storages, each with one allocation lock: " +
            $"allocating or freeing a root disk holds it {l.StorageAllocation.TotalMilliseconds:F0} ms, a task waiting longer than {l.StorageLockTimeout.TotalSeconds:F0} s for it fails with PVE's lock timeout; " +
            $"then the task runs {l.TaskDuration.TotalMilliseconds:F0} ms (extraction for a vzcreate); {l.DaemonWorkers} pvedaemon workers per node, /cluster/resources refreshed every {l.ResourcesRefresh.TotalSeconds:F0} s.");
        text.AppendLine($"- Operator: {operatorBuild}, default flags except `--max-allocations-per-storage` where the column says so; ProxmoxProvider `syncInterval: {l.SyncInterval.TotalSeconds:F0}s`; " +
            "a fresh kube-apiserver + etcd per column, the operator running and its provider Ready before the first create.");
        text.AppendLine("- Create time: from the first create request to the last LxcContainer `Ready=True`, stopped as desired, with no operation pending (seen through a watch). " +
            "Destroy time: from the first delete request to the last LxcContainer gone (its finalizer released after its `vzdestroy` ended). " +
            "Lock-timeout failures: `vzcreate`/`vzdestroy` tasks whose exit status is PVE's storage lock timeout (`got timeout`, or `got lock request timeout` for a shared storage). " +
            "Tasks in PVE: the simulator's task list sampled every 250 ms (a task waiting in its node's line counts, as PVE shows it running).");
        text.AppendLine();
        text.AppendLine("Create phase, PVE requests per created container:");
        text.AppendLine();
        text.Append(LifecycleEndpointTable(r => r.CreateByEndpoint));
        text.AppendLine();
        text.AppendLine("Destroy phase, PVE requests per destroyed container:");
        text.AppendLine();
        text.Append(LifecycleEndpointTable(r => r.DestroyByEndpoint));
        return text.ToString();
    }

    private string LifecycleEndpointTable(Func<LifecycleResult, IReadOnlyDictionary<string, long>> counts)
    {
        var endpoints = lifecycle.SelectMany(r => counts(r).Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        var text = new StringBuilder();
        text.AppendLine($"| endpoint (per container) | {string.Join(" | ", lifecycle.Select(LifecycleColumn))} |");
        text.AppendLine($"|---|{string.Concat(lifecycle.Select(_ => "---:|"))}");
        foreach (var endpoint in endpoints)
        {
            text.AppendLine($"| `{endpoint}` | {string.Join(" | ", lifecycle.Select(r => F(counts(r).GetValueOrDefault(endpoint) / (double)r.Size, 2)))} |");
        }

        return text.ToString();
    }

    private sealed record ConfigRow(string Metric, Func<ConfigResult, string> Value, string Target = "", Func<IReadOnlyList<ConfigResult>, bool?>? Met = null);

    private static string ConfigColumn(ConfigResult r) =>
        $"N={r.Size}, {r.EffectiveReconciles} reconcilers{(r.Reconciles is null ? " (default)" : "")}";

    private IReadOnlyList<ConfigRow> ConfigRows() =>
    [
        new("Operator start → all Ready and Synced=True (s)", r => F(r.InitialSync.TotalSeconds)),
        new("PVE config writes in that first sync (all in sync already)", r => r.InitialWrites.ToString(CultureInfo.InvariantCulture), "0", all => all.All(r => r.InitialWrites == 0)),
        new("Patch spec.resources.memory on N (s, API server; part of the change time)", r => F(r.PatchTime.TotalSeconds, 2)),
        new("Config change: first patch → all Synced=True at the new generation (s)", r => F(r.ChangeTime.TotalSeconds, 2)),
        new("PVE side: first patch → last container with the new memory (s)", r => F(r.PveDoneAfter?.TotalSeconds ?? double.NaN, 2)),
        new("Physical limit ceil(busiest node's N × 3 / slots) × request time (s)", r => F(r.PhysicalLimit.TotalSeconds, 2)),
        new("Operator's caps allow (2 requests per node in flight, reconcile workers) (s)", r => F(r.OperatorBound.TotalSeconds, 2)),
        new("Config change ÷ physical limit", r => F(r.Ratio, 2)),
        new("Config change ÷ what the operator's caps allow", r => F(r.OperatorRatio, 2)),
        new("PVE requests per changed container", r => $"{F(r.ChangeRequests / (double)r.Size, 2)} ({r.ChangeRequests})", "3"),
        new("LxcContainer status writes per changed container", r => F(r.ChangeStatusWrites / r.Size, 2)),
        new("Max PVE requests in flight / served per node", r => $"{r.MaxInFlightPerNode} / {r.MaxServingPerNode}", "≤ 2 (client cap)",
            all => all.All(r => r.MaxInFlightPerNode <= 2)),
    ];

    private string ConfigMarkdown()
    {
        var c = settings.Config;
        var text = new StringBuilder();
        text.AppendLine("## Configuration change: memory of N containers, until all are Synced");
        text.AppendLine();
        text.AppendLine($"| metric | {string.Join(" | ", config.Select(ConfigColumn))} | target | |");
        text.AppendLine($"|---|{string.Concat(config.Select(_ => "---:|"))}---|---|");
        foreach (var row in ConfigRows())
        {
            text.AppendLine($"| {row.Metric} | {string.Join(" | ", config.Select(row.Value))} | {row.Target} | {Verdict(row.Met?.Invoke(config))} |");
        }

        text.AppendLine();
        text.AppendLine("Settings:");
        text.AppendLine();
        text.AppendLine($"- Sizes: {string.Join(", ", c.Sizes)} running containers, round-robin over {c.Nodes} nodes, each with an LxcContainer carrying the full spec of the power scenario " +
            $"(memory {FullSpec.Quantity(c.MemoryBeforeMb)}) that matches PVE; the operator started, every container Ready and Synced=True, {c.Settle.TotalSeconds:F0} s of quiet; " +
            $"then a JSON merge patch of `spec.resources.memory` to {FullSpec.Quantity(c.MemoryAfterMb)} on all of them, {c.RequestParallelism} at a time.");
        text.AppendLine($"- Simulator: {c.DaemonWorkers} pvedaemon workers per node (its per-node request slots), every request taking {c.RequestTime.TotalMilliseconds:F0} ms " +
            "while it holds one (the simulator's added latency; on its own it answers in well under a millisecond); a memory change of a running container applies at once " +
            $"(PVE hot-plugs memory); /cluster/resources refreshed every {c.ResourcesRefresh.TotalSeconds:F0} s.");
        text.AppendLine($"- Operator: {operatorBuild}, default flags except `--max-concurrent-reconciles` where the column says so; ProxmoxProvider `syncInterval: {c.SyncInterval.TotalSeconds:F0}s`.");
        text.AppendLine("- Change time: from sending the first patch to the last LxcContainer with `Synced=True` whose `observedGeneration` is the patched generation, Ready and running " +
            "(the bench's watch, polled every 10 ms); the run fails if PVE then lacks the new memory on any container. PVE side: the simulator's configs sampled every 10 ms.");
        text.AppendLine($"- Physical limit: each change needs {c.RequestsPerChange} daemon requests (GET pending, PUT config, GET pending); the busiest node serves its " +
            $"ceil(N / {c.Nodes}) × {c.RequestsPerChange} requests through {c.DaemonWorkers} slots of {c.RequestTime.TotalMilliseconds:F0} ms each; the nodes work in parallel, so the limit is the busiest node's " +
            $"(and never below one container's {c.RequestsPerChange} requests in a row). The operator's caps: {ConfigSettings.OperatorRequestsPerNode} requests in flight per node, " +
            "and each reconcile worker doing one container's requests one after another: ceil(N / workers) × 3 × request time.");
        text.AppendLine();
        text.AppendLine("PVE requests per changed container:");
        text.AppendLine();
        var endpoints = config.SelectMany(r => r.ChangeByEndpoint.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        text.AppendLine($"| endpoint (per container) | {string.Join(" | ", config.Select(ConfigColumn))} |");
        text.AppendLine($"|---|{string.Concat(config.Select(_ => "---:|"))}");
        foreach (var endpoint in endpoints)
        {
            text.AppendLine($"| `{endpoint}` | {string.Join(" | ", config.Select(r => F(r.ChangeByEndpoint.GetValueOrDefault(endpoint) / (double)r.Size, 2)))} |");
        }

        return text.ToString();
    }

    private static string Verdict(bool? met) => met switch { true => "met", false => "MISSED", null => "" };

    public string Table()
    {
        var text = new StringBuilder();
        if (results.Count > 0)
        {
            text.Append(TextTable(results.Select(r => $"N={r.Size}").ToList(),
                Rows().Select(row => (row.Metric, results.Select(row.Value).ToList(), row.Target, Verdict(row.Met?.Invoke(results)))).ToList()));
        }

        if (lifecycle.Count > 0)
        {
            if (text.Length > 0)
            {
                text.AppendLine();
            }

            text.Append(TextTable(lifecycle.Select(LifecycleColumn).ToList(),
                LifecycleRows().Select(row => (row.Metric, lifecycle.Select(row.Value).ToList(), row.Target, Verdict(row.Met?.Invoke(lifecycle)))).ToList()));
        }

        if (config.Count > 0)
        {
            if (text.Length > 0)
            {
                text.AppendLine();
            }

            text.Append(TextTable(config.Select(ConfigColumn).ToList(),
                ConfigRows().Select(row => (row.Metric, config.Select(row.Value).ToList(), row.Target, Verdict(row.Met?.Invoke(config)))).ToList()));
        }

        return text.ToString();
    }

    private static string TextTable(IReadOnlyList<string> columns, IReadOnlyList<(string Metric, List<string> Values, string Target, string Verdict)> rows)
    {
        var header = new[] { "metric" }.Concat(columns).Concat(["target", ""]).ToArray();
        var cells = rows.Select(row => new[] { row.Metric }.Concat(row.Values).Concat([row.Target, row.Verdict]).ToArray()).ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, cells.Max(c => c[i].Length))).ToArray();
        var text = new StringBuilder();
        text.AppendLine(string.Join("  ", header.Select((h, i) => h.PadRight(widths[i]))).TrimEnd());
        text.AppendLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in cells)
        {
            text.AppendLine(string.Join("  ", row.Select((c, i) => i == 0 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))).TrimEnd());
        }

        return text.ToString();
    }

    private string MarkdownTable()
    {
        var text = new StringBuilder();
        text.AppendLine($"| metric | {string.Join(" | ", results.Select(r => $"N={r.Size}"))} | target | |");
        text.AppendLine($"|---|{string.Concat(results.Select(_ => "---:|"))}---|---|");
        foreach (var row in Rows())
        {
            text.AppendLine($"| {row.Metric} | {string.Join(" | ", results.Select(row.Value))} | {row.Target} | {Verdict(row.Met?.Invoke(results))} |");
        }

        return text.ToString();
    }

    private string EndpointTable(Func<SizeResult, IReadOnlyDictionary<string, long>> counts, Func<SizeResult, double> scale, string unit)
    {
        var endpoints = results.SelectMany(r => counts(r).Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        var text = new StringBuilder();
        text.AppendLine($"| endpoint ({unit}) | {string.Join(" | ", results.Select(r => $"N={r.Size}"))} |");
        text.AppendLine($"|---|{string.Concat(results.Select(_ => "---:|"))}");
        foreach (var endpoint in endpoints)
        {
            text.AppendLine($"| `{endpoint}` | {string.Join(" | ", results.Select(r => F(counts(r).GetValueOrDefault(endpoint) * scale(r))))} |");
        }

        return text.ToString();
    }

    private string KubernetesTable()
    {
        var keys = results.SelectMany(r => r.SteadyKubernetes.Where(k => k.Value > 0).Select(k => k.Key)).Distinct().Order(StringComparer.Ordinal).ToList();
        var text = new StringBuilder();
        text.AppendLine($"| verb resource (per min) | {string.Join(" | ", results.Select(r => $"N={r.Size}"))} |");
        text.AppendLine($"|---|{string.Concat(results.Select(_ => "---:|"))}");
        foreach (var key in keys)
        {
            text.AppendLine($"| `{key}` | {string.Join(" | ", results.Select(r => F(r.SteadyKubernetes.GetValueOrDefault(key) / r.SteadyWindow.TotalMinutes)))} |");
        }

        return text.ToString();
    }

    public string Markdown(string? notes)
    {
        var s = settings;
        var text = new StringBuilder();
        text.AppendLine("# Benchmarks");
        text.AppendLine();
        text.AppendLine($"Generated by `bash bench/run.sh --{s.Mode}` ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, commit `{machine.Commit}`, run time {duration.TotalMinutes:F0} min). " +
            "Figures are single measurements from that one run, not averages: read them with the notes on noise below.");
        text.AppendLine();
        if (results.Count > 0)
        {
            text.AppendLine("## Results");
            text.AppendLine();
            text.Append(MarkdownTable());
            text.AppendLine();
            text.AppendLine("\"met\"/\"MISSED\" compare every measured size with the target (those named \"at N=1000\" only that size).");
            text.AppendLine();
            text.AppendLine("## Settings");
            text.AppendLine();
            text.AppendLine($"- Sizes: {string.Join(", ", s.Sizes)} LxcContainers, all stopped in PVE and desired `Running`, vmids from 1000, spread round-robin over {s.Nodes} nodes, no `spec.node` (located through /cluster/resources). " +
                $"Providers: {string.Join(", ", s.Sizes.Select(n => $"{s.ProvidersAt(n)} at N={n}"))}; with more than one, container i belongs to provider i mod P, each provider a simulated cluster of its own (its own HTTPS server in the bench process, its own token and Secret).");
            text.AppendLine(s.FullSpec
                ? "- Spec (`--spec full`, the default): every LxcContainer declares hostname, resources (cores, cpuUnits, memory, swap), rootfs size, network (eth0: bridge, DHCP, firewall, hwaddr), " +
                  "tags, description, onBoot and features (nesting), all matching what its container has in the simulator, so a converged container is Synced=True and steady state includes keeping it so."
                : "- Spec (`--spec minimal`): providerRef, vmid and powerState only; no configuration field is managed.");
            text.AppendLine($"- Simulator (in the bench process): task duration {s.TaskDuration.TotalMilliseconds:F0} ms, at most {s.ParallelTasksPerNode} parallel tasks per node (more wait in line), " +
                $"{s.DaemonWorkers} pvedaemon workers per node, /cluster/resources refreshed every {s.ResourcesRefresh.TotalSeconds:F0} s, every container on DHCP with its lease at once.");
            text.AppendLine($"- Operator: {operatorBuild} as its own process, Release, default flags and settings (4 concurrent reconciles, 4 power actions per node, 2 requests in flight per node); " +
                $"ProxmoxProvider `syncInterval: {s.SyncInterval.TotalSeconds:F0}s`, certificate pinned by fingerprint.");
            text.AppendLine($"- Kubernetes: kube-apiserver 1.20.2 + etcd 3.4 from `hack/control-plane.sh`, a fresh one per size; containers created {s.CreateParallelism} requests at a time.");
            text.AppendLine($"- Cold convergence: from starting the operator process (all N objects already exist) to the last container `Ready=True` with `status.running` as desired, seen through a watch. " +
                "Physical limit: ceil(N / (providers × nodes × parallel tasks)) × task duration.");
            text.AppendLine($"- Steady state: after convergence and {s.Settle.TotalSeconds:F0} s of settling, a window of {s.SteadyWindow.TotalSeconds:F0} s " +
                (s.Sizes.Contains(s.LongWindowSize) && s.LongSteadyWindow != s.SteadyWindow ? $"({s.LongSteadyWindow.TotalSeconds:F0} s at N={s.LongWindowSize}) " : "") +
                "with nothing changing. PVE requests are the simulator's per-endpoint counters; status writes are the API server's own `apiserver_request_total{verb=\"PATCH\",subresource=\"status\"}`. " +
                $"Baseline: one status call per container per sync interval (N × 60 / {s.SyncInterval.TotalSeconds:F0} per minute).");
            text.AppendLine($"- Reaction: {s.Flips} flips of `spec.powerState` per size, {s.Nodes * s.FlipPipelinesPerNode} in flight at once (at most {s.FlipPipelinesPerNode} per node, each container flipped again only once it settled); " +
                "time from sending the PATCH to the simulator receiving the start/shutdown POST (an in-process event).");
            text.AppendLine("- Footprint: VmRSS from /proc/PID/status (sampled every 250 ms; idle = end of the steady window), CPU = utime + stime from /proc/PID/stat; " +
                "first reconcile = first non-zero `controller_runtime_reconcile_total` on the operator's metrics endpoint, polled every 5 ms.");
            if (s.MemoryLimitSizes.Count > 0)
            {
                text.AppendLine($"- Memory cgroup (N={string.Join(", ", s.MemoryLimitSizes)}): after the measurements above, every container is stopped in the simulator and every status cleared, and the operator " +
                    $"converges again from a cold start inside a memory cgroup limited to {s.MemoryLimitMiB} MiB with no swap (v1 `memory.limit_in_bytes` or v2 `memory.max`, as a pod's limit); " +
                    "the cgroup's own peak is `memory.max_usage_in_bytes` (v2 `memory.peak`), limit hits `memory.failcnt` (v2 `memory.events` max), OOM kills from `memory.oom_control` (v2 `memory.events`).");
            }

            if (s.FailoverSizes.Count > 0)
            {
                text.AppendLine($"- Failover (N={string.Join(", ", s.FailoverSizes)}): two replicas with `--leader-elect` (lease 15 s, renew 10 s, retry 2 s); the leader is killed with SIGKILL; time until the standby's first reconcile.");
            }

            text.AppendLine();
        }

        text.AppendLine("## Machine");
        text.AppendLine();
        text.AppendLine($"{machine.Cpu}, {machine.Cores} cores (`nproc`), {machine.Memory} memory, {machine.Os}, {machine.Runtime}. " +
            "Everything (etcd, kube-apiserver, the simulator and this harness, and the operator) shares these cores.");
        text.AppendLine();
        if (results.Count > 0)
        {
            text.AppendLine("## PVE requests per endpoint");
            text.AppendLine();
            text.AppendLine("Steady state, requests per minute:");
            text.AppendLine();
            text.Append(EndpointTable(r => r.SteadyByEndpoint, r => 1 / r.SteadyWindow.TotalMinutes, "per min"));
            text.AppendLine();
            text.AppendLine("Long run (computed, not measured): cluster-level requests as measured plus the slow address refresh at its " +
                $"long-run rate, min(N / {IpRefreshMinutes} min, {IpRefreshBudgetPerMinute}/min) with the operator's defaults" +
                (s.FullSpec ? $", plus the periodic config read (GET pending) at min(N / {ConfigRefreshMinutes} min, {ConfigRefreshBudgetPerMinute}/min)." : "."));
            text.AppendLine();
            text.AppendLine("Kubernetes API requests per minute in the steady window (the API server's own counters, all clients; in the window the bench itself only watches). " +
                "kube-apiserver 1.20 counts a GET of one LxcContainer as `LIST` (kubernetes/kubernetes#95556): those are shown as `GET` here:");
            text.AppendLine();
            text.Append(KubernetesTable());
            text.AppendLine();
            text.AppendLine("Cold convergence, requests per container:");
            text.AppendLine();
            text.Append(EndpointTable(r => r.ConvergenceByEndpoint, r => 1.0 / r.Size, "per container"));
        }

        if (lifecycle.Count > 0)
        {
            text.AppendLine();
            text.Append(LifecycleMarkdown());
        }

        if (config.Count > 0)
        {
            text.AppendLine();
            text.Append(ConfigMarkdown());
        }

        if (notes is not null)
        {
            text.AppendLine();
            text.Append(notes.TrimEnd());
            text.AppendLine();
        }

        return text.ToString();
    }
}
