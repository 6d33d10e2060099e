using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace PveOperator.Entities;

[Description("How the Stopped state is reached.")]
public sealed class ShutdownSpec
{
    [Range(0, 86400)]
    [DefaultValue(60)]
    [Description("Seconds to wait for a graceful shutdown. Default 60.")]
    [JsonPropertyName("timeoutSeconds")]
    public int? TimeoutSeconds { get; set; }

    [DefaultValue(true)]
    [Description("Kill the container when it has not stopped after timeoutSeconds. Default true.")]
    [JsonPropertyName("forceStop")]
    public bool? ForceStop { get; set; }
}
