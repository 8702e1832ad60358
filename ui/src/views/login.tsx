import { useState } from 'preact/hooks';

/** The token goes to sessionStorage (this tab only) and into request headers, never a URL. */
export function Login(props: { error: string | null; onLogin: (token: string) => void }) {
  const [value, setValue] = useState('');
  return (
    <main class="login">
      <h1>Wharf</h1>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (value.trim()) props.onLogin(value.trim());
        }}
      >
        <label for="token">Token</label>
        <input
          id="token"
          name="token"
          type="password"
          autocomplete="off"
          value={value}
          onInput={(event) => setValue((event.target as HTMLInputElement).value)}
        />
        <button type="submit">Sign in</button>
        {props.error && (
          <p class="error" role="alert">
            {props.error}
          </p>
        )}
      </form>
    </main>
  );
}
