namespace PolicyGradient.Core;

/// <summary>Checks options records built in code (the config binder checks those built from YAML/--set).</summary>
public static class OptionsValidation
{
    /// <summary>
    /// Returns <paramref name="options"/> (or the defaults when null) after checking its cross-field
    /// rules; every violated rule is named in one <see cref="ArgumentException"/>.
    /// </summary>
    public static T Checked<T>(T? options) where T : class, IValidatableOptions, new()
    {
        options ??= new T();
        var errors = options.Validate().ToList();
        if (errors.Count > 0) throw new ArgumentException(string.Join("; ", errors));
        return options;
    }
}
