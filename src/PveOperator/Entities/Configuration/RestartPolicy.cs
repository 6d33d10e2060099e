using System.Text.Json.Serialization;

namespace PveOperator.Entities;

/// <summary>What to do when a running container has configuration changes that wait for its next start.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RestartPolicy>))]
public enum RestartPolicy
{
    /// <summary>Report RestartRequired and leave the container running.</summary>
    Never,

    /// <summary>Restart the container (shutdown as spec.shutdown says, then start) so that the pending changes apply.</summary>
    IfRequired,
}
