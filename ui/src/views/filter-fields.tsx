/** A filter's drop-down: `''` (shown as `any`) or one of the options, shown in lower case. */
export function Choice(props: {
  label: string;
  value: string;
  options: readonly string[];
  onChange: (value: string) => void;
  any?: string;
}) {
  return (
    <label>
      {props.label}{' '}
      <select
        value={props.value}
        onChange={(event) => props.onChange((event.target as HTMLSelectElement).value)}
      >
        <option value="">{props.any ?? 'any'}</option>
        {props.options.map((option) => (
          <option key={option} value={option}>
            {option.toLowerCase()}
          </option>
        ))}
      </select>
    </label>
  );
}

/** A filter's text box. */
export function TextFilter(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
}) {
  return (
    <label>
      {props.label}{' '}
      <input
        value={props.value}
        placeholder={props.placeholder}
        onInput={(event) => props.onChange((event.target as HTMLInputElement).value)}
      />
    </label>
  );
}
