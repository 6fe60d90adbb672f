// The notice page's print button (no inline script under the CSP).
document.getElementById("notice-print").addEventListener("click", function () {
  window.print();
});
