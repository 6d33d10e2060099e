namespace PveSimulator.Api;

/// <summary>The JSON-schema types the simulated endpoints' parameters use.</summary>
internal enum ParameterType
{
    Integer,
    Boolean,
    String,
}
