using System.Text.Json.Serialization;

namespace PveOperator.Entities;

[JsonConverter(typeof(JsonStringEnumConverter<PowerState>))]
public enum PowerState
{
    Running,
    Stopped,
}
