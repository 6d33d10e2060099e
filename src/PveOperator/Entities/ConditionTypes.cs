namespace PveOperator.Entities;

/// <summary>Condition types per Kubernetes API conventions and kstatus, which Argo CD and Flux read.</summary>
public static class ConditionTypes
{
    public const string Ready = "Ready";
    /// <summary>True while the operator is moving the resource towards its spec.</summary>
    public const string Reconciling = "Reconciling";
    /// <summary>True while progress is blocked by an error that needs a human.</summary>
    public const string Stalled = "Stalled";
    /// <summary>Provider: False while the credentials lack privileges the provider's containers need (PVE still decides each call).</summary>
    public const string PermissionsSufficient = "PermissionsSufficient";
    /// <summary>Provider: True while the server certificate is not verified (allowed only with --allow-insecure-tls).</summary>
    public const string InsecureTls = "InsecureTLS";

    /// <summary>Container: True when PVE's configuration matches every field the spec manages (status.drift is empty).</summary>
    public const string Synced = "Synced";

    /// <summary>Container: True while configuration changes wait for the running container's next start.</summary>
    public const string RestartRequired = "RestartRequired";

    /// <summary>The resource carries the pve-operator.io/paused annotation: the operator does nothing for it.</summary>
    public const string Paused = "Paused";
}
