document.getElementById("code-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const code = document.getElementById("code").value.trim().toUpperCase();
  if (code) location.href = `join.html?code=${encodeURIComponent(code)}`;
});
