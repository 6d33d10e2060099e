namespace PveOperator.Controllers;

/// <summary>The Secret exists but may not be used as credentials (it lacks the credentials label).</summary>
public sealed class SecretNotAllowedException(string message) : Exception(message);
