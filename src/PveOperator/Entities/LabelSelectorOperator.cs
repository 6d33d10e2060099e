using System.Text.Json.Serialization;

namespace PveOperator.Entities;

[JsonConverter(typeof(JsonStringEnumConverter<LabelSelectorOperator>))]
public enum LabelSelectorOperator
{
    In,
    NotIn,
    Exists,
    DoesNotExist,
}
