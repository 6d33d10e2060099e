using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;

namespace PveOperator.Proxmox;

/// <summary>
/// An API token secret that refuses to be printed: ToString, the debugger and JSON all show "***", so a settings
/// record can be logged or serialized without leaking it. Only the client reads the value, to build the header.
/// </summary>
[DebuggerDisplay("***")]
[JsonConverter(typeof(PveSecretJsonConverter))]
public sealed class PveSecret(string value) : IEquatable<PveSecret>
{
    public const string Redacted = "***";

    private readonly string value = value ?? throw new ArgumentNullException(nameof(value));

    public bool IsEmpty => string.IsNullOrWhiteSpace(value);

    /// <summary>The real value; internal so nothing outside this layer can print it by accident.</summary>
    internal string Reveal() => value;

    public override string ToString() => Redacted;

    // Value equality lets callers notice a rotated secret (settings records compare it); the comparison is
    // constant-time so it does not become an oracle.
    public bool Equals(PveSecret? other) =>
        other is not null &&
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(value), Encoding.UTF8.GetBytes(other.value));

    public override bool Equals(object? obj) => Equals(obj as PveSecret);

    public override int GetHashCode() => value.Length;
}
