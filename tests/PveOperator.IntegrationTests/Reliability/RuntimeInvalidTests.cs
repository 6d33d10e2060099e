using System.Globalization;
using PveOperator.Controllers;
using PveOperator.Entities;
using PveOperator.IntegrationTests.Infrastructure;
using PveOperator.IntegrationTests.Operator;
using PveSimulator;
using Xunit.Abstractions;

namespace PveOperator.IntegrationTests.Reliability;

/// <summary>
/// Resources the schema accepts but that cannot work: each must end in its own condition reason and a Warning event,
/// must not crash or spin the operator (PVE requests per minute are measured over a window), and must recover
/// once a human fixes the cause. The reasons alone are covered in ProviderTests and ContainerTests; what is new here
/// is the Warning event, the request rate and the recovery. All cases run side by side, each against its own
/// simulator, so that one window measures them all.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class RuntimeInvalidTests(ControlPlaneFixture controlPlane, ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(20);
    private const string WrongSecret = "0badc0de-1111-4222-8333-944445555666";
    private const string LimitedTokenId = "operator@pve!k8s";
    private const string LimitedSecret = "7e1f0c2a-9d4b-4c3e-8a5f-6b7c8d9e0f1a";

    private OperatorHarness harness = null!;

    public async Task InitializeAsync() => harness = await OperatorHarness.StartAsync(controlPlane, output);

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task Each_runtime_invalid_resource_ends_in_its_reason_with_a_Warning_at_a_bounded_request_rate_and_recovers_when_fixed()
    {
        var settings = OperatorHarness.FastSettings;
        var cases = new List<Broken>
        {
            await ProviderCaseAsync("Secret missing", Reasons.SecretNotFound, "not found", perMinute: 0,
                p => p.Spec.SecretRef!.Name = "no-such-secret",
                (sim, provider) => harness.CreateSecretAsync("no-such-secret", sim.DefaultTokenSecret)),
            await ProviderCaseAsync("Secret key missing", Reasons.SecretNotFound, "has no key \"token\"", perMinute: 0,
                p => p.Spec.SecretRef!.Key = "token",
                (sim, provider) => harness.CreateSecretAsync($"{provider}-token", sim.DefaultTokenSecret, key: "token")),
            // One GET /version answered 401 per sync (1 s here): PVE counts failed logins, so no retries on top.
            await ProviderCaseAsync("wrong token secret", Reasons.AuthenticationFailed, "invalid token value", perMinute: 60 * 1.25 + 5,
                null,
                (sim, provider) => harness.CreateSecretAsync($"{provider}-token", sim.DefaultTokenSecret),
                secret: WrongSecret),
            // The handshake fails before any HTTP request: the simulator counts none.
            await ProviderCaseAsync("fingerprint mismatch", Reasons.TlsError, "not trusted", perMinute: 0,
                p => p.Spec.Tls = new ProviderTlsSpec { Fingerprint = string.Join(':', Enumerable.Repeat("AB", 32)) },
                (sim, provider) => harness.PatchProviderSpecAsync(provider, $$$"""{"tls":{"fingerprint":"{{{sim.CertificateFingerprint}}}"}}""")),
            await ProviderDeletedCaseAsync(),
            await ContainerCaseAsync("unknown node", Reasons.NotFound, "proxmox node pve9 not found", perMinute: 0,
                spec => spec.Node = "pve9",
                (sim, name) => harness.PatchContainerSpecAsync(name, new { node = "pve1" })),
            await ContainerCaseAsync("vmid on no node", Reasons.NotFound, "not found on any node", perMinute: 0,
                spec => spec.Vmid = 4242,
                (sim, name) =>
                {
                    sim.Cluster.AddContainer(ReliabilityKit.Container(4242, "pve2", running: false));
                    return Task.CompletedTask;
                },
                vmid: 4242),
            // Each attempt is GET status/current + POST start (403), at most every FailureBackoffMax after the ramp.
            await ContainerCaseAsync("token without VM.PowerMgmt (start)", Reasons.PermissionDenied, "VM.PowerMgmt",
                perMinute: Attempts(settings, 2),
                null,
                (sim, name) =>
                {
                    sim.Cluster.AddToken(LimitedTokenId, LimitedSecret, "VM.Audit", "Sys.Audit", "VM.PowerMgmt");
                    return Task.CompletedTask;
                },
                limitedToken: true),
            // Each attempt is GET status/current, POST start and a few task polls until the task fails.
            await ContainerCaseAsync("template container (start task fails)", Reasons.TaskFailed, "you can't start a CT if it's a template",
                perMinute: Attempts(settings, 6),
                null,
                (sim, name) => harness.PatchContainerSpecAsync(name, new { powerState = "Stopped" }),
                template: true),
        };

        // Each ends in its reason, with a Warning event, on the resource and (for a broken provider) on its containers.
        foreach (var broken in cases)
        {
            if (broken.IsProvider)
            {
                var provider = await harness.WaitForProviderAsync(broken.Provider, "False", broken.Reason);
                Assert.Contains(broken.Phrase, ConditionList.Find(provider.Status.Conditions, ConditionTypes.Ready)!.Message);
                await ReliabilityKit.WaitForWarningAsync(harness, broken.Provider, broken.Reason, clusterScoped: true);
            }

            var reason = broken.IsProvider ? Reasons.ProviderNotReady : broken.Reason;
            // Stalled: only a human can fix it (kstatus Failed), and the message says what to fix.
            var container = await harness.WaitForContainerAsync(broken.Container, c =>
                ConditionList.Find(c.Status?.Conditions, ConditionTypes.Ready) is { Status: "False" } r && r.Reason == reason
                && r.Message.Contains(broken.Phrase, StringComparison.Ordinal)
                && ConditionList.Find(c.Status?.Conditions, ConditionTypes.Stalled)?.Status == "True",
                $"{broken.Container} is stalled with {reason} saying \"{broken.Phrase}\"");
            var ready = ConditionList.Find(container.Status.Conditions, ConditionTypes.Ready)!;
            var warning = await ReliabilityKit.WaitForWarningAsync(harness, broken.Container, reason);
            output.WriteLine($"{broken.What}: {reason}: {ready.Message} | Warning event: {warning.Message}");
        }

        // The requests each broken resource causes stay within its backoff's budget for the whole window (checked as they
        // come, so a retry storm fails at once).
        var before = cases.Select(c => c.Simulator.Counters.Snapshot()).ToList();
        double Requests(int i) => ReliabilityKit.RequestsBetween(before[i], cases[i].Simulator.Counters.Snapshot(), containerOnly: !cases[i].IsProvider);
        string Over() => string.Join("\n", cases.Select((c, i) => (c, i))
            .Where(x => Requests(x.i) > x.c.MaxPerMinute * Window.TotalMinutes)
            .Select(x => $"{x.c.What}: {Requests(x.i)} requests, expected at most {x.c.MaxPerMinute * Window.TotalMinutes:F1} in {Window.TotalSeconds:0} s"));
        await Eventually.ConsistentlyAsync(() => Over().Length == 0, "every broken resource within its request budget", Window);
        for (var i = 0; i < cases.Count; i++)
        {
            ReliabilityKit.Figure(output, $"runtime-invalid | {cases[i].What} | PVE requests per minute",
                (Requests(i) / Window.TotalMinutes).ToString("F1", CultureInfo.InvariantCulture));
        }

        Assert.True(Over().Length == 0, Over());

        // Fixed by a human, each recovers; the container is then started exactly once.
        foreach (var broken in cases)
        {
            var startsBefore = broken.Simulator.Counters.PowerActions(broken.Vmid, "start");
            await broken.Fix();
            var recovered = await ReliabilityKit.WaitAllReadyAsync(harness, [broken.Container], TimeSpan.FromSeconds(30));
            ReliabilityKit.Figure(output, $"runtime-invalid | {broken.What} | recovery after the fix (s)", recovered.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture));
            var tasks = await ReliabilityKit.TasksAsync(broken.Simulator);
            if (!broken.Template)
            {
                Assert.Equal(1, tasks.Count(broken.Vmid, "vzstart"));
                Assert.Equal(1, broken.Simulator.Counters.PowerActions(broken.Vmid, "start") - startsBefore);
            }
        }

        // Nothing crashed: no reconcile threw.
        var log = harness.Log.ToString();
        Assert.DoesNotContain("\nError ", "\n" + log, StringComparison.Ordinal);
        Assert.DoesNotContain("\nCritical ", "\n" + log, StringComparison.Ordinal);
    }

    /// <summary>Requests per minute at most: the backoff ramp (base, 2x base, ...) plus steady attempts every FailureBackoffMax.</summary>
    private static double Attempts(ContainerControllerSettings settings, int requestsPerAttempt)
    {
        var steady = Window / settings.FailureBackoffMax;
        var ramp = Math.Log2(settings.FailureBackoffMax / settings.FailureBackoffBase) + 1;
        return requestsPerAttempt * (steady + ramp + 1) * 60 / Window.TotalSeconds;
    }

    private async Task<Broken> ProviderCaseAsync(
        string what, string reason, string phrase, double perMinute, Action<V1Alpha1ProxmoxProvider>? customize,
        Func<PveSimulatorServer, string, Task> fix, string? secret = null)
    {
        var simulator = await harness.StartSimulatorAsync();
        simulator.Cluster.AddContainer(ReliabilityKit.Container(101, "pve1", running: false));
        var provider = await harness.CreateProviderAsync(simulator, customize: customize, secret: secret);
        var container = await harness.CreateContainerAsync(provider, 101, name: $"ct-{provider}");
        return new Broken(what, simulator, provider, container, 101, IsProvider: true, reason, phrase, perMinute, () => fix(simulator, provider));
    }

    private async Task<Broken> ProviderDeletedCaseAsync()
    {
        var simulator = await harness.StartSimulatorAsync();
        simulator.Cluster.AddContainer(ReliabilityKit.Container(101, "pve1", running: true));
        var provider = await harness.CreateProviderAsync(simulator);
        var container = await harness.CreateContainerAsync(provider, 101, name: $"ct-{provider}");
        await harness.WaitForContainerAsync(container, "True", Reasons.Running);
        await harness.DeleteProviderAsync(provider);
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                await harness.GetProviderAsync(provider);
                return false;
            }
            catch (k8s.Autorest.HttpOperationException)
            {
                return true;
            }
        }, "the provider is gone");
        simulator.Cluster.SetContainerStatus(101, running: false);
        return new Broken("provider deleted", simulator, provider, container, 101, IsProvider: false, Reasons.ProviderNotReady, "not found", 0,
            () => harness.CreateProviderAsync(simulator, name: provider));
    }

    private async Task<Broken> ContainerCaseAsync(
        string what, string reason, string phrase, double perMinute, Action<LxcContainerSpec>? customize,
        Func<PveSimulatorServer, string, Task> fix, int vmid = 101, bool limitedToken = false, bool template = false)
    {
        var simulator = await harness.StartSimulatorAsync();
        if (vmid == 101)
        {
            var ct = ReliabilityKit.Container(101, "pve1", running: false);
            ct.Template = template;
            simulator.Cluster.AddContainer(ct);
        }

        string provider;
        if (limitedToken)
        {
            simulator.Cluster.AddToken(LimitedTokenId, LimitedSecret, "VM.Audit", "Sys.Audit");
            provider = await harness.CreateProviderAsync(simulator, secret: LimitedSecret, customize: p => p.Spec.TokenId = LimitedTokenId);
        }
        else
        {
            provider = await harness.CreateProviderAsync(simulator);
        }

        await harness.WaitForProviderAsync(provider, "True", Reasons.Connected);
        var name = $"ct-{provider}";
        await harness.CreateContainerAsync(provider, 101, customize: customize, name: name);
        return new Broken(what, simulator, provider, name, vmid, IsProvider: false, reason, phrase, perMinute, () => fix(simulator, name))
        {
            Template = template,
        };
    }

    private sealed record Broken(
        string What, PveSimulatorServer Simulator, string Provider, string Container, int Vmid, bool IsProvider,
        string Reason, string Phrase, double MaxPerMinute, Func<Task> Fix)
    {
        public bool Template { get; init; }
    }
}
