using k8s.Models;
using PveOperator.Hosting;

namespace PveOperator.Tests.Shipping;

/// <summary>What every operator Deployment we ship (config/manager, the Helm chart) must have.</summary>
internal static class DeploymentChecks
{
    public const string ImageRepository = "ghcr.io/pve-operator/pve-operator";

    /// <summary>Checks the operator container and returns its parsed flags.</summary>
    public static OperatorOptions AssertOperatorDeployment(V1Deployment deployment)
    {
        var pod = deployment.Spec.Template.Spec;
        var container = Assert.Single(pod.Containers);
        Assert.StartsWith(ImageRepository + ":", container.Image);
        Assert.Null(container.Command); // the image's ENTRYPOINT runs; only flags are passed
        // No diagnostics socket or debugger attach into the process that holds the credentials.
        Assert.Contains(container.Env ?? [], e => e.Name == "DOTNET_EnableDiagnostics" && e.Value == "0");
        Assert.False(OperatorOptionsParser.Parse(container.Args?.ToList() ?? []).AllowInsecureTls, "insecure TLS stays refused by default");

        // The flags are the operator's own: its parser accepts them.
        var options = OperatorOptionsParser.Parse(container.Args?.ToList() ?? []);
        Assert.True(options.LeaderElect, "--leader-elect must be on: several replicas, one reconciles");
        Assert.True(options.JsonLogs || container.Args!.Contains("--log-format=text"));
        // Explicit, so that the Secret namespace and its Role cannot disagree (the default comes from POD_NAMESPACE).
        Assert.Contains(container.Args!, a => a.StartsWith("--secret-namespace", StringComparison.Ordinal));

        var probePort = BindAddress.Parse(options.HealthProbeBindAddress, "health-probe-bind-address")!.Port;
        var metricsPort = BindAddress.Parse(options.MetricsBindAddress, "metrics-bind-address")!.Port;
        Assert.Equal(probePort, Assert.Single(container.Ports, p => p.Name == "probes").ContainerPort);
        Assert.Equal(metricsPort, Assert.Single(container.Ports, p => p.Name == "metrics").ContainerPort);
        Assert.Equal("/healthz", container.LivenessProbe.HttpGet.Path);
        Assert.Equal("probes", container.LivenessProbe.HttpGet.Port.Value);
        Assert.Equal("/readyz", container.ReadinessProbe.HttpGet.Path);
        Assert.Equal("probes", container.ReadinessProbe.HttpGet.Port.Value);

        // Hardened: non-root 65532, read-only root filesystem, no privilege escalation, no capabilities, RuntimeDefault seccomp.
        Assert.True(pod.SecurityContext.RunAsNonRoot);
        Assert.Equal(65532, pod.SecurityContext.RunAsUser);
        Assert.Equal("RuntimeDefault", pod.SecurityContext.SeccompProfile.Type);
        var security = container.SecurityContext;
        Assert.False(security.AllowPrivilegeEscalation);
        Assert.True(security.ReadOnlyRootFilesystem);
        Assert.Equal(["ALL"], security.Capabilities.Drop);
        Assert.True(security.Capabilities.Add is null or { Count: 0 });
        Assert.NotEqual(true, security.Privileged);

        // .NET writes its diagnostics socket to /tmp: a writable emptyDir there.
        var tmp = Assert.Single(container.VolumeMounts, m => m.MountPath == "/tmp");
        Assert.NotNull(Assert.Single(pod.Volumes, v => v.Name == tmp.Name).EmptyDir);

        Assert.NotNull(container.Resources.Requests?["cpu"]);
        Assert.NotNull(container.Resources.Requests?["memory"]);
        Assert.NotNull(container.Resources.Limits?["memory"]);
        return options;
    }
}
